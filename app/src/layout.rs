//! The app frame (part of the composition, like `app.rs`): a top bar, the page, and on phones a bottom navigation within thumb reach.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{accounts::api::load_me, i18n::*};

#[derive(Clone, Copy, PartialEq)]
enum Icon {
    Home,
    Groups,
    Write,
    Manage,
    Account,
    Album,
    Bell,
}

fn icon(kind: Icon) -> impl IntoView {
    let d = match kind {
        Icon::Home => "M3 11l9-8 9 8v10a1 1 0 0 1-1 1h-5v-7h-6v7H4a1 1 0 0 1-1-1z",
        Icon::Groups => "M8 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm8 0a3 3 0 1 0 0-6M2 21c0-4 3-6 6-6s6 2 6 6M16 15c3 0 6 2 6 6",
        Icon::Write => "M4 20h4l11-11-4-4L4 16zM14 6l4 4",
        Icon::Manage => "M4 6h16M4 12h16M4 18h10",
        Icon::Account => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9c0-4 4-6 8-6s8 2 8 6",
        Icon::Album => "M4 5h16v14H4zM4 15l5-5 4 4 3-3 4 4M15 9h.01",
        Icon::Bell => "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=d/>
        </svg>
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    // Read fresh on every navigation: a right that was taken away disappears from the menu too.
    let user = Resource::new(move || location.pathname.get(), |_| load_me());
    let nav = move || {
        Suspend::new(async move {
            let Ok(Some(u)) = user.await else {
                return None;
            };
            let path = location.pathname.get_untracked();
            let bell_current = path.starts_with("/meldingen");
            let waiting = u.open_reports;
            let item = move |href: &'static str, kind: Icon, label: String| {
                let current = if href == "/" {
                    path == "/"
                } else {
                    path.starts_with(href)
                };
                view! {
                    <li>
                        <a href=href aria-current=current.then_some("page")>
                            {icon(kind)}
                            <span>{label}</span>
                            {(href == "/beheer" && waiting > 0).then(|| view! {
                                <span class="nav-badge">{waiting}</span>
                            })}
                        </a>
                    </li>
                }
            };
            let unread = u.unread;
            let bell_label = if unread > 0 {
                t_string!(i18n, notify.bell_unread, count = unread).to_string()
            } else {
                t_string!(i18n, notify.title).to_string()
            };
            Some(view! {
                <a class="bell" href="/meldingen" aria-label=bell_label aria-current=bell_current.then_some("page")>
                    {icon(Icon::Bell)}
                    // On the list itself everything is being marked read.
                    {(unread > 0 && !bell_current).then(|| view! {
                        <span class="nav-badge" aria-hidden="true">{if unread > 99 { "99+".to_string() } else { unread.to_string() }}</span>
                    })}
                </a>
                <nav class="main-nav" aria-label=t_string!(i18n, nav.label)>
                    <ul>
                        {item("/", Icon::Home, t_string!(i18n, nav.feed).to_string())}
                        {item("/groepen", Icon::Groups, t_string!(i18n, nav.groups).to_string())}
                        {u.has_children.then(|| item("/mijn-kind", Icon::Album, t_string!(i18n, nav.album).to_string()))}
                        {u.can_post.then(|| item("/bericht/nieuw", Icon::Write, t_string!(i18n, nav.write).to_string()))}
                        {u.can_manage.then(|| item("/beheer", Icon::Manage, t_string!(i18n, nav.manage).to_string()))}
                        {item("/account", Icon::Account, t_string!(i18n, nav.account).to_string())}
                    </ul>
                </nav>
            })
        })
    };
    // The consent round keeps asking on every page until answered (it never blocks the page).
    let banner = move || {
        Suspend::new(async move {
            let Ok(Some(u)) = user.await else {
                return None;
            };
            let here = location.pathname.get_untracked() == "/toestemming";
            (u.open_consent > 0 && !here).then(|| {
                view! {
                    <p class="notice consent-banner" role="status">
                        <span>{t!(i18n, consent.banner)}</span>
                        <a class="button primary" href="/toestemming">{t!(i18n, consent.banner_action)}</a>
                    </p>
                }
            })
        })
    };
    view! {
        <a class="skip" href="#inhoud">{t!(i18n, nav.skip)}</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="logo" aria-hidden="true"></span>
                {t!(i18n, app.name)}
            </a>
            <Suspense fallback=|| ()>{nav}</Suspense>
        </header>
        <main id="inhoud" tabindex="-1">
            <crate::ui::pwa::AppUpdate/>
            <Suspense fallback=|| ()>{banner}</Suspense>
            {children()}
        </main>
    }
}
