//! The HTML shell and the routes.
use leptos::prelude::*;
use leptos_i18n::context::CookieOptions;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    accounts::pages::{
        account::AccountPage, forgot::ForgotPage, invite::InvitePage, login::LoginPage,
        reset::ResetPage,
    },
    admin::pages::{home::AdminHome, pupil::PupilPage, school::SchoolPage},
    album::page::AlbumPage,
    consent::pages::{
        group::GroupConsentPage, mine::MyConsentPage, photo_tags::PhotoTagsPage,
        round::ConsentRoundPage,
    },
    feed::pages::{feed::FeedPage, group::GroupPage, groups::GroupsPage, post::PostPage},
    i18n::*,
    import::pages::{ImportPage, ImportRunPage},
    layout::Layout,
    moderation::pages::{queue::QueuePage, report::ReportPage},
    newsletters::pages::{NewsletterFormPage, NewslettersPage},
    notify::pages::{NotificationSettingsPage, NotificationsPage, UnsubscribePage},
    posts::pages::{compose::ComposePage, edit::EditPage},
    ui::feedback::NotFound,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::platform::headers::set_page_csp();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options islands=true/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <meta name="apple-mobile-web-app-capable" content="yes"/>
                <meta name="mobile-web-app-capable" content="yes"/>
                <meta name="apple-mobile-web-app-status-bar-style" content="default"/>
                <meta name="apple-mobile-web-app-title" content="Kring"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let cookie = CookieOptions::<Locale>::default()
        .path("/")
        .max_age(365_i64 * 24 * 3600 * 1000);
    view! {
        <I18nContextProvider cookie_options=cookie>
            <Head/>
            <Router>
                <Layout>
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("/") view=FeedPage ssr=SsrMode::Async/>
                        <Route path=path!("/groepen") view=GroupsPage ssr=SsrMode::Async/>
                        <Route path=path!("/groep/:id") view=GroupPage ssr=SsrMode::Async/>
                        <Route path=path!("/bericht/nieuw") view=ComposePage ssr=SsrMode::Async/>
                        <Route path=path!("/bericht/:id") view=PostPage ssr=SsrMode::Async/>
                        <Route path=path!("/bericht/:id/bewerken") view=EditPage ssr=SsrMode::Async/>
                        <Route path=path!("/bericht/:id/melden") view=ReportPage ssr=SsrMode::Async/>
                        <Route path=path!("/bericht/:id/kinderen") view=PhotoTagsPage ssr=SsrMode::Async/>
                        <Route path=path!("/nieuwsbrieven") view=NewslettersPage ssr=SsrMode::Async/>
                        <Route path=path!("/nieuwsbrief/nieuw") view=NewsletterFormPage ssr=SsrMode::Async/>
                        <Route path=path!("/nieuwsbrief/:id/bewerken") view=NewsletterFormPage ssr=SsrMode::Async/>
                        <Route path=path!("/moderatie") view=QueuePage ssr=SsrMode::Async/>
                        <Route path=path!("/toestemming") view=MyConsentPage ssr=SsrMode::Async/>
                        <Route path=path!("/mijn-kind") view=AlbumPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/school/:id/toestemming") view=ConsentRoundPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/groep/:id/toestemming") view=GroupConsentPage ssr=SsrMode::Async/>
                        <Route path=path!("/inloggen") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("/wachtwoord-vergeten") view=ForgotPage ssr=SsrMode::Async/>
                        <Route path=path!("/wachtwoord-instellen") view=ResetPage ssr=SsrMode::Async/>
                        <Route path=path!("/uitnodiging") view=InvitePage ssr=SsrMode::Async/>
                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/meldingen") view=NotificationsPage ssr=SsrMode::Async/>
                        <Route path=path!("/meldingen/instellingen") view=NotificationSettingsPage ssr=SsrMode::Async/>
                        <Route path=path!("/afmelden") view=UnsubscribePage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer") view=AdminHome ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/school/:id") view=SchoolPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/leerling/:id") view=PupilPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/school/:id/import") view=ImportPage ssr=SsrMode::Async/>
                        <Route path=path!("/beheer/import/:id") view=ImportRunPage ssr=SsrMode::Async/>
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Head() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Meta name="theme-color" content="#0b6e4f"/>
        <Meta name="description" content=move || t_string!(i18n, app.description)/>
        <Title formatter=page_title/>
    }
}

/// "Post title · Kring". leptos_meta writes the title into the server's HTML as it is, so a post,
/// group, pupil or school named `</title><meta http-equiv="refresh" …>` would inject markup
/// (XS-02): the server escapes it. In the browser it becomes `document.title`, which is plain text.
fn page_title(text: String) -> String {
    let title = if text.is_empty() {
        "Kring".to_string()
    } else {
        format!("{text} · Kring")
    };
    #[cfg(feature = "ssr")]
    let title = crate::platform::mail::escape_html(&title);
    title
}

/// Parses a route parameter as an id; a malformed id is simply an unknown one.
pub fn param_id(raw: Option<String>) -> i64 {
    raw.and_then(|s| s.parse().ok()).unwrap_or(0)
}
