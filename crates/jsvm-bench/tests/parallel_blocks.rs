//! The parallel-blocks rows: each kind of block runs in order and on the parallel executor from
//! the same setup, and the bench checks (inside `measure`) that both give the same state roots,
//! block hashes and receipts; the figures it reports add up.

use jsvm_bench::parallel_blocks::{measure, table, KINDS};

#[test]
fn each_kind_runs_in_order_and_in_parallel_with_the_same_result() {
    let kinds = measure(&KINDS, 40, 1, &[1, 2], |_| {}).unwrap();
    assert_eq!(kinds.iter().map(|k| k.kind).collect::<Vec<_>>(), KINDS);
    let hot: Vec<usize> = kinds.iter().map(|k| k.hot_txs_per_block).collect();
    assert_eq!(hot, [0, 4, 40]);
    for k in &kinds {
        assert!(k.sequential_tps > 0.0, "{}", k.kind);
        let [one, two] = &k.parallel[..] else { panic!("{}: two worker counts", k.kind) };
        assert!(!one.ran_parallel, "{}: one worker runs in order", k.kind);
        assert_eq!(one.reexecutions_per_tx, 0.0, "{}", k.kind);
        assert!(two.ran_parallel, "{}: two workers run in parallel", k.kind);
        assert!(two.reexecutions_per_tx >= 0.0 && two.validations_per_tx >= 1.0, "{}", k.kind);
        assert!((two.speedup - two.tps / k.sequential_tps).abs() < 1e-9, "{}", k.kind);
    }
    assert_eq!(kinds[0].parallel[1].reexecutions_per_tx, 0.0, "independent transfers never run again");
    assert!(table(&kinds).contains("all_conflicting"));
}

#[test]
fn an_unknown_kind_is_refused() {
    let err = measure(&["cold"], 10, 1, &[2], |_| {}).unwrap_err();
    assert!(err.contains("cold"), "{err}");
}
