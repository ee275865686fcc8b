use leptos::prelude::*;

use crate::ui::title::PageTitle;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::staff::StaffSection;
use crate::{
    admin::{
        api::{load_school, AddPupil, CreateGroup, RenameSchool, SetStorePhones},
        model::{GroupView, PupilRow},
    },
    app::param_id,
    i18n::*,
    ui::feedback::{page_error, FormError, Loading},
};

#[component]
pub fn SchoolPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let rename = ServerAction::<RenameSchool>::new();
    let phones = ServerAction::<SetStorePhones>::new();
    let detail = Resource::new(
        move || {
            (
                param_id(params.read().get("id")),
                rename.version().get() + phones.version().get(),
            )
        },
        |(id, _)| load_school(id),
    );
    let invited = move || query.read().get("uitgenodigd").is_some();
    let body = move || {
        Suspend::new(async move {
            match detail.await {
                Ok(d) => {
                    let school_id = d.school.id;
                    let classes: Vec<GroupView> = d
                        .groups
                        .iter()
                        .filter(|g| g.kind == "class")
                        .cloned()
                        .collect();
                    view! {
                        <PageTitle text=d.school.name.clone()/>
                        <div class="page-head">
                            <h1>{d.school.name.clone()}</h1>
                            <p class="muted">{t!(i18n, admin.school_year, year = d.year.name.clone())}</p>
                        </div>
                        {d.can_manage.then(|| view! {
                            <p><a class="button" href=format!("/beheer/school/{school_id}/import")>{t!(i18n, import.link)}</a></p>
                        })}
                        {d.can_lead.then(|| {
                            let name = d.school.name.clone();
                            view! {
                            <details class="card">
                                <summary>{t!(i18n, admin.rename_school)}</summary>
                                <FormError result=rename.value()/>
                                <ActionForm action=rename>
                                    <input type="hidden" name="school_id" value=school_id/>
                                    <label for="school-rename">{t!(i18n, fields.school_name)}</label>
                                    <input id="school-rename" name="name" required maxlength="80" value=name/>
                                    <button type="submit">{t!(i18n, admin.rename_submit)}</button>
                                </ActionForm>
                            </details>
                            }
                        })}
                        {d.can_lead.then(|| {
                            let store = d.store_phones;
                            view! {
                            <details class="card">
                                <summary>{t!(i18n, admin.phones_title)}</summary>
                                <p>{if store { t!(i18n, admin.phones_on).into_any() } else { t!(i18n, admin.phones_off).into_any() }}</p>
                                <p class="hint">{t!(i18n, admin.phones_hint)}</p>
                                <FormError result=phones.value()/>
                                <ActionForm action=phones>
                                    <input type="hidden" name="school_id" value=school_id/>
                                    <input type="hidden" name="store" value=(!store).to_string()/>
                                    <button type="submit">{if store { t!(i18n, admin.phones_stop).into_any() } else { t!(i18n, admin.phones_start).into_any() }}</button>
                                </ActionForm>
                            </details>
                            }
                        })}
                        {d.is_directie.then(|| view! {
                            <p><a class="button" href=format!("/beheer/school/{school_id}/toestemming")>{t!(i18n, consent.manage_link)}</a></p>
                        })}
                        <Show when=invited>
                            <p class="notice ok" role="status">{t!(i18n, admin.invited)}</p>
                        </Show>
                        <GroupsSection groups=d.groups.clone() school_id can_manage=d.can_manage/>
                        <PupilsSection pupils=d.pupils.clone() classes school_id can_manage=d.can_manage/>
                        <StaffSection detail=d/>
                    }
                    .into_any()
                }
                Err(e) => page_error(e),
            }
        })
    };
    view! { <Suspense fallback=Loading>{body}</Suspense> }
}

pub fn group_label(i18n: leptos_i18n::I18nContext<Locale>, g: &GroupView) -> String {
    crate::ui::group_name(i18n, &g.kind, &g.name)
}

#[component]
fn GroupsSection(groups: Vec<GroupView>, school_id: i64, can_manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateGroup>::new();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.groups)}</h2>
            <table>
                <thead><tr><th scope="col">{t!(i18n, admin.group)}</th><th scope="col">{t!(i18n, admin.pupils_count)}</th></tr></thead>
                <tbody>
                    {groups.iter().map(|g| view! {
                        <tr><td>{group_label(i18n, g)}</td><td>{g.pupil_count}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            {can_manage.then(|| view! {
                <h3>{t!(i18n, admin.new_group)}</h3>
                <FormError result=create.value()/>
                <ActionForm action=create>
                    <input type="hidden" name="school_id" value=school_id/>
                    <label for="group-name">{t!(i18n, fields.group_name)}</label>
                    <input id="group-name" name="name" required maxlength="80" placeholder=move || t_string!(i18n, fields.group_name_example)/>
                    <label for="group-kind">{t!(i18n, fields.group_kind)}</label>
                    <select id="group-kind" name="kind">
                        <option value="class">{t!(i18n, admin.kind_class)}</option>
                        <option value="staff">{t!(i18n, admin.kind_staff)}</option>
                    </select>
                    <button type="submit">{t!(i18n, admin.create_group)}</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn PupilsSection(
    pupils: Vec<PupilRow>,
    classes: Vec<GroupView>,
    school_id: i64,
    can_manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddPupil>::new();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.pupils)}</h2>
            {pupils.is_empty().then(|| view! { <p class="muted">{t!(i18n, admin.no_pupils)}</p> })}
            <ul class="list">
                {pupils.into_iter().map(|p| view! {
                    <li>
                        <a href=format!("/beheer/leerling/{}", p.id)>{format!("{} {}", p.first_name, p.last_name)}</a>
                        <span class="muted">{p.group_name.unwrap_or_default()}</span>
                    </li>
                }).collect_view()}
            </ul>
            {(can_manage && !classes.is_empty()).then(|| view! {
                <h3>{t!(i18n, admin.new_pupil)}</h3>
                <FormError result=add.value()/>
                <ActionForm action=add>
                    <input type="hidden" name="school_id" value=school_id/>
                    <label for="first-name">{t!(i18n, fields.first_name)}</label>
                    <input id="first-name" name="first_name" required maxlength="100" autocomplete="off"/>
                    <label for="last-name">{t!(i18n, fields.last_name)}</label>
                    <input id="last-name" name="last_name" required maxlength="100" autocomplete="off"/>
                    <label for="birth-date">{t!(i18n, fields.birth_date)}</label>
                    <input id="birth-date" name="birth_date" type="date"/>
                    <label for="pupil-group">{t!(i18n, admin.group)}</label>
                    <select id="pupil-group" name="group_id" required>
                        {classes.iter().map(|g| view! { <option value=g.id>{g.name.clone()}</option> }).collect_view()}
                    </select>
                    <button type="submit">{t!(i18n, admin.add_pupil)}</button>
                </ActionForm>
            })}
        </section>
    }
}
