use leptos::prelude::*;

use crate::{
    i18n::*,
    newsletters::api::{SendNewsletter, UnscheduleNewsletter},
    ui::feedback::FormError,
};

/// On an unsent newsletter's own page (the preview): send it now, schedule it, or unschedule it.
#[component]
pub fn SendCard(post_id: i64, scheduled: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let send = ServerAction::<SendNewsletter>::new();
    let schedule = ServerAction::<SendNewsletter>::new();
    let unschedule = ServerAction::<UnscheduleNewsletter>::new();
    let state = match &scheduled {
        Some(when) => {
            t_string!(i18n, newsletter.preview_scheduled, when = when.clone()).to_string()
        }
        None => t_string!(i18n, newsletter.preview_draft).to_string(),
    };
    view! {
        <section class="card send-card" aria-labelledby="send-h">
            <h2 id="send-h">{t!(i18n, newsletter.send_heading)}</h2>
            <p>{state}</p>
            <FormError result=send.value()/>
            <FormError result=schedule.value()/>
            <FormError result=unschedule.value()/>
            <ActionForm action=send>
                <input type="hidden" name="post_id" value=post_id/>
                <button type="submit" class="primary">{t!(i18n, newsletter.send_now)}</button>
            </ActionForm>
            <ActionForm action=schedule attr:class="schedule">
                <input type="hidden" name="post_id" value=post_id/>
                <label for="send-at">{t!(i18n, newsletter.send_at)}</label>
                <input type="datetime-local" id="send-at" name="at" required aria-describedby="send-at-hint"/>
                <p id="send-at-hint" class="hint">{t!(i18n, newsletter.send_at_hint)}</p>
                <button type="submit">{t!(i18n, newsletter.schedule)}</button>
            </ActionForm>
            {scheduled.is_some().then(|| view! {
                <ActionForm action=unschedule>
                    <input type="hidden" name="post_id" value=post_id/>
                    <button type="submit">{t!(i18n, newsletter.unschedule)}</button>
                </ActionForm>
            })}
        </section>
    }
}
