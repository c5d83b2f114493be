// Every rule the engine runs, keyed by id.
import type { Rule } from "../src/engine/types.js";
import { noNativeTls } from "./no-native-tls.js";
import { rustlsCryptoProvider } from "./rustls-crypto-provider.js";

export const RULES: readonly Rule[] = [noNativeTls, rustlsCryptoProvider];
