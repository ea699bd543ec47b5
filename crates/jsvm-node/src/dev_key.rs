//! The development key pair: genesis `admin`'s key when no `--admin-key` is given. Its secret is
//! public (README prints it, as anvil prints its accounts): a chain started with it is for
//! development only.

/// The seed of the development key: ed25519 ([`jsvm_tx::KeyPair::from_seed`]).
pub const DEV_ADMIN_SEED: [u8; 32] = *b"jsvm development admin key seed!";
/// The development key's secret, in base58 as IOST's SDK writes it (`B58SecKey()`: 64 bytes, seed then public key).
pub const DEV_ADMIN_SECRET_B58: &str =
    "38SbH5R2PyDS83nTLJzoDXHLELYXjFYdcPYDVB3udkyM1y5GMcCfdbyJBzbkxkxfJN8wwJkeJvDzovXSiDZnxt44";
/// The development key's public key, in base58 as IOST shows account keys.
pub const DEV_ADMIN_PUBLIC_B58: &str = "obQBE9c7t4sTNmNwtzpapi8tJQPX968Fj14xj1LQbvt";

#[cfg(test)]
mod tests {
    use jsvm_tx::{Algorithm, KeyPair};

    use super::*;

    #[test]
    fn the_constants_are_the_seeds_key_pair() {
        let kp = KeyPair::from_seed(Algorithm::Ed25519, &DEV_ADMIN_SEED);
        assert_eq!(kp.secret_key_b58(), DEV_ADMIN_SECRET_B58);
        assert_eq!(kp.public_key_b58(), DEV_ADMIN_PUBLIC_B58);
        let read = KeyPair::from_secret_b58(DEV_ADMIN_SECRET_B58).unwrap();
        assert_eq!(read.public_key_b58(), DEV_ADMIN_PUBLIC_B58);
    }
}
