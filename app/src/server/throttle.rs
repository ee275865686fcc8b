//! Login and token throttling per IP and per account (AU-02), with `governor`'s keyed GCRA limiters.
//! In memory per process: with several instances each one throttles on its own, which only makes the
//! limit a small multiple, never absent.
use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};

use crate::error::AppError;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

pub struct Throttle {
    per_ip: Keyed<IpAddr>,
    per_account: Keyed<String>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Throttle")
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("non-zero burst"))
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            // A school's parents may share one NAT address: generous per IP, strict per account.
            per_ip: RateLimiter::keyed(quota(60, Duration::from_secs(2))),
            per_account: RateLimiter::keyed(quota(8, Duration::from_secs(60))),
        }
    }
}

impl Throttle {
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), AppError> {
        self.per_ip.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after: wait.as_secs().max(1),
            }
        })
    }

    pub fn check_account(&self, account: &str) -> Result<(), AppError> {
        self.per_account
            .check_key(&account.to_string())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                AppError::RateLimited {
                    retry_after: wait.as_secs().max(1),
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn au02_account_is_throttled_after_its_burst_and_others_are_not() {
        let t = Throttle::default();
        for _ in 0..8 {
            assert!(t.check_account("a@example.nl").is_ok());
        }
        let err = t.check_account("a@example.nl").unwrap_err();
        assert!(matches!(err, AppError::RateLimited { retry_after } if retry_after >= 1));
        assert!(t.check_account("b@example.nl").is_ok());
    }
}
