//! Tokens and passwords. Tokens are 256 random bits; only their SHA-256 is stored, so a leaked
//! database holds no usable link (AU-03). Passwords use Argon2id off the async executor (AU-01).
use std::sync::LazyLock;

use argon2::{
    password_hash::{Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// Argon2 takes 19 MiB and a core's worth of time per hash: at most this many run at once in the
/// whole process, however many logins arrive (DS-01). The others wait their turn.
pub const PASSWORD_CHECKS_AT_ONCE: usize = 4;
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PASSWORD_CHECKS_AT_ONCE);
/// How long a password check may wait for its turn before the answer is "try again shortly".
const HASHING_QUEUE: std::time::Duration = std::time::Duration::from_secs(10);
/// Stored hashes are Kring's own; one asking for far more memory than Kring's is refused.
const MAX_BLOCKS: usize = 4 * Params::DEFAULT_M_COST as usize;

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Runs one Argon2 computation off the executor, when it is its turn.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let Ok(Ok(slot)) = tokio::time::timeout(HASHING_QUEUE, HASHING.acquire()).await else {
        return Err(AppError::RateLimited { retry_after: 5 });
    };
    // The turn goes with the work: a client that gives up does not free it while the hash runs.
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await?
}

/// Argon2 of `password` with `salt` into `out`, in working memory of its own. The 19 MiB are mapped
/// for this check alone and unmapped after it (the server has glibc map every block of 1 MiB and
/// more on its own, `server/src/memory.rs`): an idle server holds none of it, and no blocking
/// thread keeps a copy (forty logins once grew the server by 760 MB for good).
fn argon2_into(
    argon: &Argon2,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), AppError> {
    let needed = argon.params().block_count();
    if needed > MAX_BLOCKS {
        return Err(AppError::Internal);
    }
    let mut memory = vec![Block::default(); needed];
    argon
        .hash_password_into_with_memory(password, salt, out, &mut memory)
        .map_err(|_| AppError::Internal)
}

fn argon2id(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// An Argon2id hash of `password` in PHC form (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    with_hashing_slot(move || hash_now(&password)).await
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut raw_salt = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut raw_salt)
        .map_err(|_| AppError::Internal)?;
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(
        &argon2id(params.clone()),
        password.as_bytes(),
        salt_bytes,
        &mut out,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|_| AppError::Internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|_| AppError::Internal)?),
    };
    Ok(phc.to_string())
}

/// Verifies against `hash`, or against a fixed dummy hash when there is none, so that an unknown
/// e-mail takes as long as a wrong password (no enumeration by timing, AU-02).
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    with_hashing_slot(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        Ok(known && verify_now(&password, &hash)?)
    })
    .await
}

fn verify_now(password: &str, hash: &str) -> Result<bool, AppError> {
    let parsed = PasswordHash::new(hash).map_err(|_| AppError::Internal)?;
    let params = Params::try_from(&parsed).map_err(|_| AppError::Internal)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|_| AppError::Internal)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|_| AppError::Internal)?
        .unwrap_or_default();
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(AppError::Internal);
    };
    let mut raw_salt = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut raw_salt)
        .map_err(|_| AppError::Internal)?;
    let mut out = vec![0u8; expected.len()];
    argon2_into(
        &Argon2::new(algorithm, version, params),
        password.as_bytes(),
        salt_bytes,
        &mut out,
    )?;
    // `Output`'s equality takes the same time wherever the bytes differ.
    Ok(Output::new(&out).map_err(|_| AppError::Internal)? == expected)
}

/// Argon2id hash of a random string nobody knows; only used to spend equal time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_now(&new_token()).unwrap_or_default());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_hashing_is_stable() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert_eq!(hash_token(&t), hash_token(&t));
        assert_ne!(hash_token(&t), t);
    }

    #[test]
    fn au01_hashes_made_by_the_argon2_crate_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(b"een oud wachtwoord", &salt)
            .unwrap()
            .to_string();
        assert!(verify_now("een oud wachtwoord", &hash).unwrap());
        assert!(!verify_now("een ander wachtwoord", &hash).unwrap());
        // And ours verify with the crate's own check.
        use argon2::password_hash::PasswordVerifier;
        let ours = hash_now("nieuw en lang").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"nieuw en lang", &parsed)
            .is_ok());
    }

    #[tokio::test]
    async fn au01_argon2id_round_trip_and_unknown_user_never_verifies() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong password!".into(), Some(hash))
            .await
            .unwrap());
        assert!(!verify_password("anything at all".into(), None)
            .await
            .unwrap());
    }
}
