// TypeScript declarations of the globals a jsvm contract runs with (docs/contract-api.md).
// `jsvm types` writes this file; reference it from tsconfig.json ("include") or with
// `/// <reference path="./jsvm.d.ts" />`. A .d.ts file is never bundled by `jsvm pack`.

/** BigNumber's rounding modes: UP, DOWN, CEIL, FLOOR, HALF_UP, HALF_DOWN, HALF_EVEN, HALF_CEIL, HALF_FLOOR. */
type JsvmRoundingMode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
/** What BigNumber, Int64 and Float64 take as a number. */
type JsvmNumeric = number | string | BigNumber;

/** The contract's own storage (and read-only views of other contracts'). Values are strings. */
interface JsvmStorage {
    put(key: string, value: string, payer?: string): null;
    get(key: string): string | null;
    has(key: string): boolean;
    del(key: string): null;
    mapPut(key: string, field: string, value: string, payer?: string): null;
    mapGet(key: string, field: string): string | null;
    mapHas(key: string, field: string): boolean;
    mapDel(key: string, field: string): null;
    /** The map's fields, in insertion order. */
    mapKeys(key: string): string[];
    mapLen(key: string): number;
    globalGet(contract: string, key: string): string | null;
    globalHas(contract: string, key: string): boolean;
    globalMapGet(contract: string, key: string, field: string): string | null;
    globalMapHas(contract: string, key: string, field: string): boolean;
    globalMapKeys(contract: string, key: string): string[];
    globalMapLen(contract: string, key: string): number;
}

/** The chain around the running call. */
interface JsvmBlockchain {
    /** This contract's id. */
    contractName(): string;
    /** The transaction's publisher. */
    publisher(): string;
    /** The account that deployed this contract. */
    contractOwner(): string;
    /** JSON text `{"abi_name","caller":{"name","is_account"},"contract_name","publisher"}`. */
    contextInfo(): string;
    /** JSON text `{"number","parent_hash","time","witness"}`. */
    blockInfo(): string;
    /** JSON text `{"actions","amount_limit","auth_list","expiration","gas_limit","gas_ratio","hash","publisher","time"}`. */
    txInfo(): string;
    /** Whether the transaction authorises `id@permission`. */
    requireAuth(id: string, permission: string): boolean;
    /** Adds `{func_name, content}` to the receipt's `receipts` (non-strings are JSON.stringify'd). */
    receipt(content: unknown): null;
    /** Adds `{contract, content}` to the receipt's `events` (non-strings are JSON.stringify'd). */
    event(content: unknown): null;
    /** Calls another contract; its return values as an array. */
    call(contract: string, method: string, args: unknown[] | string): unknown[];
    /** As `call`, and the callee may act with this contract's authority. */
    callWithAuth(contract: string, method: string, args: unknown[] | string): unknown[];
    /** Moves `amount` of iost with this contract's authority. */
    transfer(from: string, to: string, amount: JsvmNumeric, memo: string): unknown[];
    /** `transfer(contractName(), to, amount, memo)`. */
    withdraw(to: string, amount: JsvmNumeric, memo: string): unknown[];
    /** `transfer(from, contractName(), amount, memo)`. */
    deposit(from: string, amount: JsvmNumeric, memo: string): unknown[];
}

declare const storage: JsvmStorage;
declare const blockchain: JsvmBlockchain;

/** The block being made (frozen). `time` is in nanoseconds. */
declare const block: {
    readonly number: number;
    readonly parentHash: string;
    readonly witness: string;
    readonly time: number;
};

/** The running transaction (frozen). `gasLimit` is the gas left when the action started. */
declare const tx: {
    readonly time: number;
    readonly hash: string;
    readonly expiration: number;
    readonly gasLimit: number;
    readonly gasRatio: number;
    readonly authList: { readonly [permission: string]: number };
    readonly publisher: string;
};

/** Exact decimals with IOST's bignumber.js 7.2.1 API (50 places on division, ROUND_DOWN by default). */
interface BigNumber {
    plus(y: JsvmNumeric, base?: number): BigNumber;
    minus(y: JsvmNumeric, base?: number): BigNumber;
    times(y: JsvmNumeric, base?: number): BigNumber;
    multipliedBy(y: JsvmNumeric, base?: number): BigNumber;
    div(y: JsvmNumeric, base?: number): BigNumber;
    dividedBy(y: JsvmNumeric, base?: number): BigNumber;
    idiv(y: JsvmNumeric, base?: number): BigNumber;
    dividedToIntegerBy(y: JsvmNumeric, base?: number): BigNumber;
    mod(y: JsvmNumeric, base?: number): BigNumber;
    modulo(y: JsvmNumeric, base?: number): BigNumber;
    pow(n: number, m?: JsvmNumeric): BigNumber;
    exponentiatedBy(n: number, m?: JsvmNumeric): BigNumber;
    sqrt(): BigNumber;
    squareRoot(): BigNumber;
    abs(): BigNumber;
    absoluteValue(): BigNumber;
    negated(): BigNumber;
    integerValue(rm?: JsvmRoundingMode): BigNumber;
    decimalPlaces(): number | null;
    decimalPlaces(dp: number, rm?: JsvmRoundingMode): BigNumber;
    dp(): number | null;
    dp(dp: number, rm?: JsvmRoundingMode): BigNumber;
    precision(includeZeros?: boolean): number;
    precision(sd: number, rm?: JsvmRoundingMode): BigNumber;
    sd(includeZeros?: boolean): number;
    sd(sd: number, rm?: JsvmRoundingMode): BigNumber;
    shiftedBy(k: number): BigNumber;
    comparedTo(y: JsvmNumeric, base?: number): 1 | -1 | 0 | null;
    eq(y: JsvmNumeric, base?: number): boolean;
    isEqualTo(y: JsvmNumeric, base?: number): boolean;
    gt(y: JsvmNumeric, base?: number): boolean;
    isGreaterThan(y: JsvmNumeric, base?: number): boolean;
    gte(y: JsvmNumeric, base?: number): boolean;
    isGreaterThanOrEqualTo(y: JsvmNumeric, base?: number): boolean;
    lt(y: JsvmNumeric, base?: number): boolean;
    isLessThan(y: JsvmNumeric, base?: number): boolean;
    lte(y: JsvmNumeric, base?: number): boolean;
    isLessThanOrEqualTo(y: JsvmNumeric, base?: number): boolean;
    isFinite(): boolean;
    isNaN(): boolean;
    isInteger(): boolean;
    isZero(): boolean;
    isNegative(): boolean;
    isPositive(): boolean;
    toString(base?: number): string;
    toFixed(dp?: number, rm?: JsvmRoundingMode): string;
    toExponential(dp?: number, rm?: JsvmRoundingMode): string;
    toPrecision(sd?: number, rm?: JsvmRoundingMode): string;
    toFormat(dp?: number, rm?: JsvmRoundingMode): string;
    valueOf(): string;
    toJSON(): string;
    toNumber(): number;
}

/** `new BigNumber(value, base?)` or `BigNumber(value, base?)`. */
declare const BigNumber: {
    new (value: JsvmNumeric, base?: number): BigNumber;
    (value: JsvmNumeric, base?: number): BigNumber;
};

/** What Int64 and Float64 share, `T` being the class itself: arithmetic that returns a new `T`
 *  (checked: a result out of the class's range throws) and comparisons. */
interface JsvmChecked<T> {
    readonly number: BigNumber;
    plus(n: JsvmNumeric | T): T;
    minus(n: JsvmNumeric | T): T;
    multi(n: JsvmNumeric | T): T;
    /** Int64: integer division. */
    div(n: JsvmNumeric | T): T;
    mod(n: JsvmNumeric | T): T;
    pow(n: JsvmNumeric | T): T;
    eq(n: JsvmNumeric | T): boolean;
    gt(n: JsvmNumeric | T): boolean;
    gte(n: JsvmNumeric | T): boolean;
    lt(n: JsvmNumeric | T): boolean;
    lte(n: JsvmNumeric | T): boolean;
    negated(): T;
    isZero(): boolean;
    isPositive(): boolean;
    isNegative(): boolean;
    toString(): string;
    toFixed(dp?: number): string;
    toJSON(): string;
}

/** IOST's checked integer within [-2^63, 2^63-1], around a BigNumber. */
declare class Int64 {
    constructor(n: JsvmNumeric | Int64, base?: number);
    /** × 10^n; must stay an integer. */
    shift(n: number): Int64;
}
interface Int64 extends JsvmChecked<Int64> {}

/** IOST's checked decimal (exact, not binary floating point), around a BigNumber. */
declare class Float64 {
    constructor(n: JsvmNumeric | Float64, base?: number);
}
interface Float64 extends JsvmChecked<Float64> {}

/** Hashes and signature checks. */
declare const IOSTCrypto: {
    /** Base58 of SHA3-256 of the text's UTF-8 bytes. */
    sha3(text: string): string;
    /** Hex of SHA3-256 of the bytes `hex` encodes; "" if it is not hex. */
    sha3Hex(hex: string): string;
    /** Hex of RIPEMD-160 of the bytes `hex` encodes; "" if it is not hex. */
    ripemd160Hex(hex: string): string;
    /** 1 if the signature is valid, else 0; message, signature and key in base58. */
    verify(algo: "ed25519" | "secp256k1" | string, message: string, signature: string, pubkey: string): 0 | 1;
};

/** Lines for the node's log (the CLI prints them on stderr); never in receipts or state. */
interface JsvmConsole {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    debug(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
}
/** The same declaration in jsvm.d.ts and jsvm-test.d.ts, so that a project may include both. */
declare var console: JsvmConsole;

declare function require(id: "storage"): JsvmStorage;
declare function require(id: "blockchain"): JsvmBlockchain;
declare function require(id: string): any;
declare const module: { exports: any };
declare const exports: any;
