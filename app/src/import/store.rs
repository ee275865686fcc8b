//! What the school has, read for `plan`: its keyed pupils, this year's groups, and the accounts,
//! guardian links and open invitations of the addresses the file names. A handful of queries for
//! the whole school, however large the file.
use std::collections::{HashMap, HashSet};

use super::plan::{Account, KnownPupil, Snapshot};
use super::roster::Roster;
use crate::{error::AppError, platform::db::Db, with_db};

/// Addresses are looked up in slices of this many (a bound list per query).
const CHUNK: usize = 400;

#[derive(sqlx::FromRow)]
struct PupilDb {
    id: i64,
    pupil_key: String,
    first_name: String,
    prefix: String,
    last_name: String,
    birth_date: Option<String>,
    group_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AccountDb {
    id: i64,
    email: String,
    guardian_here: bool,
    staff_or_admin: bool,
}

pub async fn snapshot(
    db: &Db,
    school_id: i64,
    year_id: i64,
    roster: &Roster,
) -> Result<Snapshot, AppError> {
    let pupils: Vec<PupilDb> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT p.id, p.pupil_key, p.first_name, p.prefix, p.last_name, p.birth_date, pl.group_id \
         FROM pupils p LEFT JOIN placements pl ON pl.pupil_id = p.id AND pl.school_year_id = $2 \
         WHERE p.school_id = $1 AND p.pupil_key IS NOT NULL"
    )
    .bind(school_id)
    .bind(year_id)
    .fetch_all(pool)
    .await
    })?;
    let groups: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT id, name FROM groups WHERE school_id = $1 AND school_year_id = $2 AND kind = 'class'"
    )
    .bind(school_id)
    .bind(year_id)
    .fetch_all(pool)
    .await
    })?;
    let (store_phones,): (bool,) = with_db!(db, |pool| sqlx::query_as(
        "SELECT store_phones FROM schools WHERE id = $1"
    )
    .bind(school_id)
    .fetch_one(pool)
    .await)?;
    let guardians: Vec<(i64, String, bool)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT gs.pupil_id, u.email, gs.no_access FROM guardianships gs \
         JOIN users u ON u.id = gs.user_id JOIN pupils p ON p.id = gs.pupil_id WHERE p.school_id = $1"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await
    })?;
    let invited: Vec<(i64, String)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT ip.pupil_id, i.email FROM invitations i JOIN \
         (SELECT id AS invitation_id, pupil_id FROM invitations WHERE pupil_id IS NOT NULL \
          UNION SELECT invitation_id, pupil_id FROM invitation_pupils) ip ON ip.invitation_id = i.id \
         WHERE i.school_id = $1 AND i.kind = 'guardian' AND i.used_at IS NULL AND i.revoked_at IS NULL"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await
    })?;
    let staff: Vec<(i64, String, Option<i64>)> = with_db!(db, |pool| {
        sqlx::query_as(
        "SELECT u.id, u.email, gs.group_id FROM staff_roles sr JOIN users u ON u.id = sr.user_id \
         LEFT JOIN group_staff gs ON gs.user_id = u.id \
           AND gs.group_id IN (SELECT id FROM groups WHERE school_id = $1) \
         WHERE sr.school_id = $1 AND sr.role IN ('directie', 'teacher')"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await
    })?;
    let staff_invited: Vec<(String,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT email FROM invitations WHERE school_id = $1 AND kind = 'staff' \
         AND used_at IS NULL AND revoked_at IS NULL"
    )
    .bind(school_id)
    .fetch_all(pool)
    .await)?;
    let mut snapshot = Snapshot {
        pupils: pupils
            .into_iter()
            .map(|p| KnownPupil {
                id: p.id,
                key: p.pupil_key,
                first_name: p.first_name,
                prefix: p.prefix,
                last_name: p.last_name,
                birth_date: p.birth_date,
                group_id: p.group_id,
            })
            .collect(),
        groups,
        accounts: accounts(db, school_id, roster).await?,
        guardians: guardians
            .into_iter()
            .map(|(pupil, email, no_access)| ((pupil, email), no_access))
            .collect(),
        invited: invited.into_iter().collect::<HashSet<_>>(),
        staff: HashMap::new(),
        staff_invited: staff_invited.into_iter().map(|(e,)| e).collect(),
        store_phones,
    };
    for (user_id, email, group) in staff {
        let entry = snapshot
            .staff
            .entry(email)
            .or_insert_with(|| (user_id, Vec::new()));
        entry.1.extend(group);
    }
    Ok(snapshot)
}

/// The accounts of the guardian addresses in the file.
async fn accounts(
    db: &Db,
    school_id: i64,
    roster: &Roster,
) -> Result<HashMap<String, Account>, AppError> {
    let mut emails: Vec<&str> = roster
        .pupils
        .iter()
        .flat_map(|p| p.guardians.iter().map(|g| g.email.as_str()))
        .collect();
    emails.sort_unstable();
    emails.dedup();
    let mut found = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        let rows: Vec<AccountDb> = with_db!(db, |pool| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT u.id, u.email, \
                 EXISTS (SELECT 1 FROM guardianships gs JOIN pupils p ON p.id = gs.pupil_id \
                         WHERE gs.user_id = u.id AND p.school_id = ",
            );
            q.push_bind(school_id);
            q.push(
                ") AS guardian_here, \
                 (u.is_admin OR EXISTS (SELECT 1 FROM staff_roles sr WHERE sr.user_id = u.id)) AS staff_or_admin \
                 FROM users u WHERE u.email IN (",
            );
            let mut list = q.separated(", ");
            for email in chunk {
                list.push_bind(*email);
            }
            q.push(")");
            q.build_query_as().fetch_all(pool).await
        })?;
        for r in rows {
            found.insert(
                r.email,
                Account {
                    user_id: r.id,
                    guardian_here: r.guardian_here,
                    staff_or_admin: r.staff_or_admin,
                },
            );
        }
    }
    Ok(found)
}
