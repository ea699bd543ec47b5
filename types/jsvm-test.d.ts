// TypeScript declarations of `jsvm test`'s globals (docs/testing.md). `jsvm types` writes this
// file; test files get it from tsconfig.json ("include") or `/// <reference path="./jsvm-test.d.ts" />`.
// Test files are scripts: the API below is global, nothing is imported.

/** An account on the test chain; its key derives from its name (never use it on a real chain). */
interface JsvmTestAccount {
    readonly name: string;
    /** Base58 ed25519 public key: the account's owner and active key. */
    readonly publicKey: string;
    /** Base58 secret key, as `jsvm key new` writes one. */
    readonly secretKey: string;
    /** Its balance of `token` (default iost), as the token contract's text, e.g. "1000". */
    balance(token?: string): string;
    toString(): string;
}

/** An account, or its name. */
type JsvmWho = JsvmTestAccount | string;

/** Who sends a transaction and what it may spend. */
interface JsvmTxOptions {
    /** The publisher (default: admin); its key signs. */
    from?: JsvmWho;
    /** Further authorisations: `name@permission`, or an account (`@active`). */
    signers?: JsvmWho[];
    /** Gas limit (default 4,000,000 — the CLI's). */
    gasLimit?: number;
    /**
     * What the transaction may move out of accounts: `{ iost: "100" }`, `[["iost", "100"]]`,
     * `{ "*": "unlimited" }`. Default `{ "*": "unlimited" }`; `{}` allows nothing.
     */
    amountLimit?: Record<string, string | number> | Array<[string, string | number]> | Array<{ token: string; val: string | number }>;
}

/** An event a contract emitted with `blockchain.event`. */
interface JsvmTestEvent {
    contract: string;
    content: string;
    /** `content` parsed when it is a JSON object or array, else `content`. */
    data: any;
}

/** An entry a contract wrote with `blockchain.receipt`. */
interface JsvmTestReceiptEntry {
    func_name: string;
    content: string;
    /** `content` parsed when it is a JSON object or array, else `content`. */
    data: any;
}

type JsvmStatus =
    | "SUCCESS"
    | "GAS_RUN_OUT"
    | "BALANCE_NOT_ENOUGH"
    | "WRONG_PARAMETER"
    | "RUNTIME_ERROR"
    | "TIMEOUT"
    | "WRONG_TX_FORMAT"
    | "DUPLICATE_SET_CODE"
    | "UNKNOWN_ERROR";

/** A transaction's receipt, as `jsvm call` prints it, plus `ok`, `value`, parsed entries and logs. */
interface JsvmTestReceipt {
    tx_hash: string;
    block: number;
    status: JsvmStatus;
    status_code: number;
    /** Empty on success, else why it failed. */
    message: string;
    gas_used: number;
    ram_usage: Record<string, number>;
    /** One text per action, as the chain keeps them. */
    returns: string[];
    receipts: JsvmTestReceiptEntry[];
    events: JsvmTestEvent[];
    /** status === "SUCCESS". */
    ok: boolean;
    /** returns[0], parsed when it is a JSON object or array. */
    value: any;
    /** console lines the contracts wrote. */
    logs: string[];
}

/** A deployed contract. */
interface JsvmTestContract {
    readonly id: string;
    /** Its name in the gas report: the file's or directory's name, or `name` given to deploy. */
    readonly name: string;
    /** The deploy's receipt. */
    readonly receipt: JsvmTestReceipt;
    /** Calls `method` in a transaction (a block) of its own. */
    call(method: string, args?: unknown[], opts?: JsvmTxOptions): JsvmTestReceipt;
    /** Runs `method` read-only on the last block's state; nothing is kept. */
    query(method: string, args?: unknown[], opts?: JsvmTxOptions): JsvmTestReceipt;
    /** A stored value (or map field); null when absent. */
    storage(key: string, field?: string): string | null;
    /** The fields of a stored map. */
    mapKeys(key: string): string[];
    toString(): string;
}

interface JsvmDeployOptions extends JsvmTxOptions {
    /** ABI: a path (relative to the test file) or the ABI object; default the contract's own. */
    abi?: string | object;
    /** Name in the gas report. */
    name?: string;
}

/** The test file's chain: fresh for each file, reverted before each test. */
declare const chain: {
    /** The genesis account, holding the iost supply. */
    readonly admin: JsvmTestAccount;
    /** The account `name`, made (signed up by admin, given `balance` iost, default "1000") the first time. */
    account(name: string, options?: { balance?: string | number }): JsvmTestAccount;
    accounts(...names: string[]): JsvmTestAccount[];
    /** Deploys a .js file (with its .abi), a project directory or a bundle (paths relative to the test file), or `{source, abi}`. Throws when the deploy fails (the error's `receipt` says why). */
    deploy(target: string | { source: string; abi: object } | { path: string; abi?: string | object }, opts?: JsvmDeployOptions): JsvmTestContract;
    call(contract: JsvmTestContract | string, method: string, args?: unknown[], opts?: JsvmTxOptions): JsvmTestReceipt;
    query(contract: JsvmTestContract | string, method: string, args?: unknown[], opts?: JsvmTxOptions): JsvmTestReceipt;
    /** One transaction of several actions `[contract, method, args]`, all or nothing. */
    send(actions: Array<[JsvmTestContract | string, string, unknown[]]>, opts?: JsvmTxOptions): JsvmTestReceipt;
    /** token.iost transfer, published by `from`. */
    transfer(from: JsvmWho, to: JsvmWho, amount: string | number, options?: JsvmTxOptions & { token?: string; memo?: string }): JsvmTestReceipt;
    balance(who: JsvmWho, token?: string): string;
    storage(contract: JsvmTestContract | string, key: string, field?: string): string | null;
    /** Saves the whole chain; returns an id for `revert`. */
    snapshot(): number;
    /** Back to snapshot `id` (state, blocks, accounts, clock); the snapshot can be reverted to again. */
    revert(id: number): void;
    /** The next block's time, seconds since the epoch (contracts see it in ns as block.time). */
    time(): number;
    /** Sets the next block's time: seconds, a Date or an ISO date; only forward. */
    setTime(t: number | Date | string): void;
    /** Moves the clock `seconds` forward. */
    advance(seconds: number): void;
    /** Height of the last block. */
    height(): number;
};

type JsvmTestFn = () => void | Promise<void>;

interface JsvmTest {
    (name: string, fn: JsvmTestFn): void;
    /** Run only the tests and suites marked `only` (in this file). */
    only(name: string, fn: JsvmTestFn): void;
    skip(name: string, fn?: JsvmTestFn): void;
}
interface JsvmDescribe {
    (name: string, fn: () => void): void;
    only(name: string, fn: () => void): void;
    skip(name: string, fn: () => void): void;
    /** A group whose tests run one after another on one state (not each from the group's snapshot). */
    shared(name: string, fn: () => void): void;
}

declare const test: JsvmTest;
declare const it: JsvmTest;
declare const describe: JsvmDescribe;
/** Once, before the suite's tests; its state is where each of them starts. */
declare function before(fn: JsvmTestFn): void;
declare function beforeAll(fn: JsvmTestFn): void;
declare function after(fn: JsvmTestFn): void;
declare function afterAll(fn: JsvmTestFn): void;
declare function beforeEach(fn: JsvmTestFn): void;
declare function afterEach(fn: JsvmTestFn): void;

interface JsvmMatchers {
    toBe(expected: unknown): void;
    toEqual(expected: unknown): void;
    toStrictEqual(expected: unknown): void;
    /** Every property of `expected` is in the value, recursively. */
    toMatchObject(expected: object): void;
    toBeTruthy(): void;
    toBeFalsy(): void;
    toBeNull(): void;
    toBeUndefined(): void;
    toBeDefined(): void;
    toContain(item: unknown): void;
    toMatch(pattern: RegExp | string): void;
    toHaveLength(length: number): void;
    toHaveProperty(key: string, value?: unknown): void;
    toBeGreaterThan(n: number): void;
    toBeGreaterThanOrEqual(n: number): void;
    toBeLessThan(n: number): void;
    toBeLessThanOrEqual(n: number): void;
    /** The function throws; with a string, its message includes it; a RegExp, matches; a class, is one. */
    toThrow(expected?: string | RegExp | Function | object): void;
    /** The value is a receipt of a successful transaction. */
    toSucceed(): JsvmTestReceipt;
    /** The value is a receipt of a failed transaction (with that status name or code, message part). */
    toFail(status?: JsvmStatus | number, messageIncludes?: string | RegExp): JsvmTestReceipt;
    /** The receipt has an event matching (see expectEvent). */
    toEmit(expected: string | object | ((data: any, event: JsvmTestEvent) => boolean)): JsvmTestEvent;
}

declare function expect(actual: unknown): JsvmMatchers & { not: JsvmMatchers };
declare function expectSuccess(receipt: JsvmTestReceipt): JsvmTestReceipt;
declare function expectFailure(receipt: JsvmTestReceipt, status?: JsvmStatus | number, messageIncludes?: string | RegExp): JsvmTestReceipt;
/** The first event whose content equals a string, whose parsed data has an object's properties, or that a predicate accepts. */
declare function expectEvent(receipt: JsvmTestReceipt, expected: string | object | ((data: any, event: JsvmTestEvent) => boolean)): JsvmTestEvent;

declare const assert: {
    (value: unknown, message?: string): void;
    ok(value: unknown, message?: string): void;
    equal(actual: unknown, expected: unknown, message?: string): void;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual(actual: unknown, expected: unknown, message?: string): void;
    notDeepEqual(actual: unknown, expected: unknown, message?: string): void;
    match(actual: string, pattern: RegExp, message?: string): void;
    includes(actual: string | unknown[], part: unknown, message?: string): void;
    throws(fn: () => unknown, expected?: string | RegExp | Function | object, message?: string): unknown;
    fail(message?: string): never;
};

declare class AssertionError extends Error {}

/** Lines printed under the test file's name. */
interface JsvmConsole {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    debug(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
}
/** The same declaration in jsvm.d.ts and jsvm-test.d.ts, so that a project may include both. */
declare var console: JsvmConsole;
