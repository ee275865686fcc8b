use leptos::prelude::*;

use crate::{
    i18n::*,
    import::{api::ImportMapping, roster::Field},
    ui::feedback::FormError,
};

/// The field's name on screen.
fn field_text(i18n: leptos_i18n::I18nContext<Locale>, field: Field) -> String {
    match field {
        Field::PupilKey => t_string!(i18n, import.field_pupil_key),
        Field::FirstName => t_string!(i18n, import.field_first_name),
        Field::Prefix => t_string!(i18n, import.field_prefix),
        Field::LastName => t_string!(i18n, import.field_last_name),
        Field::Group => t_string!(i18n, import.field_group),
        Field::BirthDate => t_string!(i18n, import.field_birth_date),
        Field::Guardian1Name => t_string!(i18n, import.field_g1_name),
        Field::Guardian1Email => t_string!(i18n, import.field_g1_email),
        Field::Guardian1Phone => t_string!(i18n, import.field_g1_phone),
        Field::Guardian1NoAccess => t_string!(i18n, import.field_g1_no_access),
        Field::Guardian2Name => t_string!(i18n, import.field_g2_name),
        Field::Guardian2Email => t_string!(i18n, import.field_g2_email),
        Field::Guardian2Phone => t_string!(i18n, import.field_g2_phone),
        Field::Guardian2NoAccess => t_string!(i18n, import.field_g2_no_access),
    }
    .to_string()
}

/// Which column holds which field, for an export whose column names Kring does not know. The
/// choice is remembered for the school, so the next export of the same LAS needs none.
#[component]
pub fn MappingForm(
    run_id: i64,
    missing: Vec<String>,
    headers: Vec<String>,
    mapping: Vec<(Field, Option<String>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<ImportMapping>::new();
    let rows = mapping
        .into_iter()
        .map(|(field, chosen)| {
            let id = format!("map-{}", field.as_str());
            let name = format!("columns[{}]", field.as_str());
            let required = field.required();
            let options = headers
                .iter()
                .map(|h| {
                    let selected = chosen.as_deref() == Some(h.as_str());
                    view! { <option value=h.clone() selected=selected>{h.clone()}</option> }
                })
                .collect_view();
            view! {
                <label for=id.clone()>
                    {field_text(i18n, field)}
                    {required.then_some(" *")}
                </label>
                <select id=id name=name required=required>
                    <option value="">{t!(i18n, import.not_in_file)}</option>
                    {options}
                </select>
            }
        })
        .collect_view();
    // The caller puts it in a card (or in a card's <details>).
    view! {
            <h2>{t!(i18n, import.mapping_title)}</h2>
            {if missing.is_empty() {
                view! { <p>{t!(i18n, import.mapping_hint)}</p> }.into_any()
            } else {
                view! { <p>{t!(i18n, import.mapping_intro, columns = missing.join(", "))}</p> }.into_any()
            }}
            <FormError result=save.value()/>
            <ActionForm action=save>
                <input type="hidden" name="run_id" value=run_id/>
                {rows}
                <button type="submit" class="primary">{t!(i18n, import.mapping_save)}</button>
            </ActionForm>
    }
}
