//! The peer's token on revm: deployment, transfers, logs, reverts and the measurement.

use jsvm_revm_peer::{
    measure_transfers, Erc20Chain, DEFAULT_HOLDERS, ERC20_RUNTIME_HEX, HOLDER_FUNDING, SELECTOR_ALLOWANCE,
    SELECTOR_APPROVE, SELECTOR_BALANCE_OF, SELECTOR_TOTAL_SUPPLY, SELECTOR_TRANSFER, SELECTOR_TRANSFER_FROM,
    TOTAL_SUPPLY,
};
use revm::primitives::{keccak256, Address, B256, U256};

fn selector(signature: &str) -> [u8; 4] {
    keccak256(signature.as_bytes())[..4].try_into().unwrap()
}

fn topic_address(address: Address) -> B256 {
    address.into_word()
}

/// Sum of every holder's balance and the deployer's.
fn sum_of_balances(chain: &mut Erc20Chain) -> u128 {
    let mut sum = chain.balance_of_address(chain.deployer()).unwrap();
    for i in 0..chain.holders() {
        sum += chain.balance_of(i).unwrap();
    }
    sum
}

#[test]
fn selectors_match_the_signatures() {
    assert_eq!(SELECTOR_TRANSFER, selector("transfer(address,uint256)"));
    assert_eq!(SELECTOR_APPROVE, selector("approve(address,uint256)"));
    assert_eq!(SELECTOR_TRANSFER_FROM, selector("transferFrom(address,address,uint256)"));
    assert_eq!(SELECTOR_BALANCE_OF, selector("balanceOf(address)"));
    assert_eq!(SELECTOR_TOTAL_SUPPLY, selector("totalSupply()"));
    assert_eq!(SELECTOR_ALLOWANCE, selector("allowance(address,address)"));
}

#[test]
fn deploys_the_committed_runtime_code_and_funds_the_holders() {
    let mut chain = Erc20Chain::new(3).unwrap();
    let code = chain.token_code().unwrap();
    let expected = ERC20_RUNTIME_HEX.trim();
    let actual: String = code.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(actual, expected);

    assert_eq!(chain.total_supply().unwrap(), TOTAL_SUPPLY);
    for i in 0..3 {
        assert_eq!(chain.balance_of(i).unwrap(), HOLDER_FUNDING);
    }
    let deployer = chain.deployer();
    assert_eq!(chain.balance_of_address(deployer).unwrap(), TOTAL_SUPPLY - 3 * HOLDER_FUNDING);
    assert_eq!(sum_of_balances(&mut chain), TOTAL_SUPPLY);
}

#[test]
fn transfer_moves_the_amount_and_logs_transfer() {
    let mut chain = Erc20Chain::new(2).unwrap();
    let gas = chain.transfer(0, 1, 250).unwrap();
    assert!(gas > 21_000 && gas < 100_000, "gas {gas}");
    assert_eq!(chain.balance_of(0).unwrap(), HOLDER_FUNDING - 250);
    assert_eq!(chain.balance_of(1).unwrap(), HOLDER_FUNDING + 250);

    let logs = chain.last_logs();
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert_eq!(log.address, chain.token());
    let topics = log.data.topics();
    assert_eq!(topics.len(), 3);
    assert_eq!(topics[0], keccak256("Transfer(address,address,uint256)"));
    assert_eq!(topics[1], topic_address(chain.holder(0).unwrap()));
    assert_eq!(topics[2], topic_address(chain.holder(1).unwrap()));
    assert_eq!(U256::from_be_slice(&log.data.data), U256::from(250));

    // The nonce moved on: the next transfer from the same holder is accepted too.
    chain.transfer(0, 1, 1).unwrap();
    assert_eq!(chain.balance_of(1).unwrap(), HOLDER_FUNDING + 251);
}

#[test]
fn transfer_above_the_balance_reverts_and_changes_nothing() {
    let mut chain = Erc20Chain::new(2).unwrap();
    chain.transfer(0, 1, 10).unwrap();
    let before = (chain.balance_of(0).unwrap(), chain.balance_of(1).unwrap());

    let too_much = u64::try_from(before.0).unwrap() + 1;
    let err = chain.transfer(0, 1, too_much).unwrap_err();
    assert!(err.contains("balance too low"), "{err}");
    assert_eq!((chain.balance_of(0).unwrap(), chain.balance_of(1).unwrap()), before);

    // The reverted transaction was committed (its nonce is used): the holder can still send.
    chain.transfer(0, 1, 5).unwrap();
    assert_eq!(chain.balance_of(1).unwrap(), before.1 + 5);
    assert_eq!(sum_of_balances(&mut chain), TOTAL_SUPPLY);
}

#[test]
fn approve_and_transfer_from() {
    let mut chain = Erc20Chain::new(3).unwrap();
    chain.approve(0, 1, 100).unwrap();
    assert_eq!(chain.allowance(0, 1).unwrap(), 100);

    chain.transfer_from(1, 0, 2, 60).unwrap();
    assert_eq!(chain.allowance(0, 1).unwrap(), 40);
    assert_eq!(chain.balance_of(0).unwrap(), HOLDER_FUNDING - 60);
    assert_eq!(chain.balance_of(2).unwrap(), HOLDER_FUNDING + 60);

    let err = chain.transfer_from(1, 0, 2, 41).unwrap_err();
    assert!(err.contains("allowance too low"), "{err}");
    assert_eq!(chain.allowance(0, 1).unwrap(), 40);
    assert_eq!(chain.balance_of(2).unwrap(), HOLDER_FUNDING + 60);
}

#[test]
fn unknown_holders_are_refused() {
    let mut chain = Erc20Chain::new(2).unwrap();
    assert!(chain.transfer(0, 2, 1).is_err());
    assert!(chain.transfer(5, 0, 1).is_err());
    assert!(chain.balance_of(2).is_err());
    // A refused call sends nothing: holder 0's next transfer still works.
    chain.transfer(0, 1, 1).unwrap();
}

#[test]
fn measure_transfers_1000() {
    let timing = measure_transfers(1000).unwrap();
    assert_eq!(timing.transfers, 1000);
    assert!(timing.tps > 0.0 && timing.us_per_tx > 0.0 && timing.seconds > 0.0);
    assert!(timing.gas_per_tx > 21_000, "{timing:?}");
}

#[test]
fn measured_transfers_keep_the_supply() {
    let mut chain = Erc20Chain::new(DEFAULT_HOLDERS).unwrap();
    let timing = chain.measure(1000).unwrap();
    assert!(timing.tps > 0.0);
    assert_eq!(sum_of_balances(&mut chain), TOTAL_SUPPLY);
    assert_eq!(chain.total_supply().unwrap(), TOTAL_SUPPLY);
    // Every holder sent and received the same number of units, so each still has its funding.
    for i in 0..DEFAULT_HOLDERS {
        assert_eq!(chain.balance_of(i).unwrap(), HOLDER_FUNDING);
    }
}
