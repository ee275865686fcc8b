//! Panics under load (issue 16): a page whose render finished before a detached effect of the
//! i18n context had run left that effect reading a disposed signal ("reactive value ... has
//! already been disposed"), and a title that read a translation was read outside the request's
//! reactive arena. Under fifty parallel requests a few replies came back empty. Pages without
//! data (the sign-in page) finish fastest, so they hit it most: a burst of them must leave no
//! panic behind (the harness fails any test after which the server panicked).
use crate::common;

async fn no_panic_under_a_burst_of_fast_pages(app: common::TestApp) {
    let http = reqwest::Client::new();
    for _ in 0..4 {
        let burst = (0..50).map(|i| {
            let (http, url) = (
                http.clone(),
                app.at(if i % 2 == 0 {
                    "/inloggen"
                } else {
                    "/wachtwoord-vergeten"
                }),
            );
            async move {
                http.get(url)
                    .header("accept", "text/html")
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        });
        let statuses = futures::future::join_all(burst).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let panics = common::take_server_panics();
    assert!(panics.is_empty(), "{panics:#?}");
}

db_tests!(no_panic_under_a_burst_of_fast_pages);
