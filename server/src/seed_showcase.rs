//! `kring seed-demo --showcase`: the demo school as it looks after a month of use, so a newcomer
//! sees more than text posts: photo posts with children tagged, a parent's comment, a sent
//! newsletter and an open consent round that two of the three families have answered.
//!
//! Everything goes through the same domain code a request would use (uploads, the photo job,
//! posts, comments, newsletters, consent), so the data obeys the same rules as real data: the
//! photos have their three sizes and are "ready", tags and consent decide who sees them, and the
//! notifications are queued as for any post. Nothing is mailed here: queued mails go out when the
//! server runs, to the outbox folder unless SMTP is configured.
//!
//! Running it again changes nothing: each part first looks whether it is there already. The tests
//! never depend on it; they seed what they need themselves.
mod pictures;

use app::{
    comments::{self, model::CommentText},
    consent,
    newsletters::{self, model::DraftForm},
    platform::{
        auth::{self, Actor},
        db::Db,
        mail::Mailer,
        state::AppState,
        worker,
    },
    posts::{
        self,
        model::{NewPost, PostForm},
    },
    with_db,
};

type Result<T> = std::result::Result<T, String>;

/// The domain's errors say what went wrong ("not found"), not which part of the showcase failed.
trait Context<T> {
    fn context(self, what: &str) -> Result<T>;
}

impl<T, E: std::fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: &str) -> Result<T> {
        self.map_err(|e| format!("showcase: {what}: {e}"))
    }
}

const SANNE: &str = "juf.sanne@regenboog.example";
const AHMED: &str = "meester.ahmed@regenboog.example";
const DIRECTIE: &str = "directie@regenboog.example";
const JANSEN: &str = "ouder.jansen@example.nl";
const BAKKER: &str = "ouder.bakker@example.nl";

#[derive(Clone, Copy)]
enum Picture {
    Leaves(u32),
    NatureTable,
    Sports(u32),
    Drawing,
}

impl Picture {
    fn paint(self) -> Vec<u8> {
        match self {
            Picture::Leaves(v) => pictures::autumn_leaves(v),
            Picture::NatureTable => pictures::nature_table(),
            Picture::Sports(v) => pictures::sports_day(v),
            Picture::Drawing => pictures::drawing(),
        }
    }
}

struct PhotoPost {
    author: &'static str,
    group: &'static str,
    /// Also how a second run recognises the post.
    title: &'static str,
    body: &'static str,
    hours_ago: i64,
    /// Each photo with the children tagged in it (full names as the tag list shows them); none
    /// means "no recognisable child".
    photos: &'static [(Picture, &'static [&'static str])],
}

/// Oldest first. Sam's family leaves the consent questions open, so the sports-day photo of Sam
/// is seen only by his own family and the staff, while the photo of Finn is seen by the whole
/// group: the consent rule at work. Every other tagged child has photo consent.
const PHOTO_POSTS: &[PhotoPost] = &[
    PhotoPost {
        author: SANNE,
        group: "Groep 3",
        title: "Onze natuurtafel",
        body: "De natuurtafel staat vol: kastanjes, eikels en de mooiste bladeren. Heb je thuis nog iets moois uit het bos? Geef het gerust mee!",
        hours_ago: 12 * 24,
        photos: &[(Picture::NatureTable, &[])],
    },
    PhotoPost {
        author: AHMED,
        group: "Groep 5/6",
        title: "Sportdag",
        body: "Wat een sportieve dag! Hardlopen, estafette en een pionnenparcours: iedereen heeft zijn best gedaan. Dank aan alle hulpouders die hebben geholpen.",
        hours_ago: 9 * 24,
        photos: &[
            (Picture::Sports(0), &["Finn Jansen"]),
            (Picture::Sports(1), &["Sam de Vries"]),
        ],
    },
    PhotoPost {
        author: SANNE,
        group: "Groep 3",
        title: "Foto's van de herfstwandeling",
        body: "Zoals beloofd de foto's van onze herfstwandeling. Wat hebben de kinderen goed gezocht. Wie vindt het mooiste blad?",
        hours_ago: 24,
        photos: &[
            (Picture::Leaves(1), &["Mila Jansen", "Lotte Bakker"]),
            (Picture::Leaves(2), &["Mila Jansen"]),
        ],
    },
];

/// A parent reacts to a class post: (parent, post author, post title, text, hours ago).
const COMMENT: (&str, &str, &str, &str, i64) = (
    BAKKER,
    SANNE,
    "Foto's van de herfstwandeling",
    "Lotte kwam thuis met haar jaszakken vol kastanjes. Dank voor de mooie foto's!",
    20,
);

const NEWSLETTER_TITLE: &str = "Regenboognieuws";
const NEWSLETTER_HOURS_AGO: i64 = 6 * 24;
const NEWSLETTER_INTRO: &str = "Beste ouders en verzorgers,\n\nDe eerste weken van het schooljaar zijn voorbijgevlogen. In dit Regenboognieuws lees je wat er op school gebeurt.";
const NEWSLETTER_SECTIONS: &[(&str, &str)] = &[
    (
        "Kunst in de gang",
        "Groep 3 heeft onze school getekend, met een echte regenboog erboven. De tekeningen hangen in de gang bij de ingang: kom gerust kijken als je je kind ophaalt.",
    ),
    (
        "Toestemming voor foto's",
        "Binnenkort vraagt Kring je om voor elk kind opnieuw aan te geven waarvoor we foto's mogen gebruiken. Zolang je niets invult, telt dat als nee: foto's waarop je kind staat, zien dan alleen jij en de leerkrachten.",
    ),
    (
        "Agenda",
        "- 4 december: studiedag, alle kinderen zijn vrij\n- elke woensdag: fruitdag, geef een stuk fruit mee",
    ),
];

/// One guardian's answers for one child: yes to the question kinds listed, no to the others.
struct ConsentAnswers {
    guardian: &'static str,
    /// The child's full name, as the consent page shows it.
    child: &'static str,
    yes: &'static [&'static str],
}

/// The third family (De Vries) answers nothing, so the "please answer" banner and the directie's
/// "waiting" count have something to show.
const ANSWERS: &[ConsentAnswers] = &[
    ConsentAnswers {
        guardian: JANSEN,
        child: "Mila Jansen",
        yes: &["photos", "newsletter", "guide"],
    },
    ConsentAnswers {
        guardian: JANSEN,
        child: "Finn Jansen",
        yes: &["photos", "newsletter", "website", "guide"],
    },
    ConsentAnswers {
        guardian: BAKKER,
        child: "Lotte Bakker",
        yes: &["photos", "newsletter"],
    },
];

/// Adds the showcase to a database that has the demo seed (`seed::seed_demo`).
pub async fn seed_showcase(state: &AppState) -> Result<()> {
    // The runner only ever runs the photo lane here, which sends no mail; it needs a mailer all
    // the same.
    let mailer = Mailer::from_settings(&state.settings)?;
    let runner = app::jobs::runner(state.clone(), mailer);
    // The round is opened first, as a school does at the start of the year; the photos follow.
    consent_round(&state.db).await?;
    for post in PHOTO_POSTS {
        photo_post(state, &runner, post).await?;
    }
    comment(&state.db).await?;
    newsletter(state, &runner).await?;
    // A job runner in this process (the tests' server) sends the queued notifications at once; a
    // separate `kring serve` finds them when it starts or polls.
    state.wake_jobs();
    Ok(())
}

async fn actor(db: &Db, email: &str) -> Result<Actor> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM users WHERE email = $1"
    )
    .bind(email)
    .fetch_optional(pool)
    .await)
    .context(email)?;
    let (id,) = row.ok_or_else(|| format!("showcase: {email} is missing (demo seed not run?)"))?;
    auth::load_actor(db, id)
        .await
        .context(email)?
        .ok_or_else(|| format!("showcase: {email} is not active"))
}

/// A post (or newsletter) of this author with this title, from an earlier run.
async fn existing_post(db: &Db, author: &Actor, title: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id FROM posts WHERE author_id = $1 AND title = $2 ORDER BY id LIMIT 1"
    )
    .bind(author.user_id)
    .bind(title)
    .fetch_optional(pool)
    .await)
    .context(title)?;
    Ok(row.map(|(id,)| id))
}

const BACKDATE_POST: &str = "UPDATE posts SET created_at = $2, updated_at = $2 WHERE id = $1";
const BACKDATE_COMMENT: &str = "UPDATE comments SET created_at = $2 WHERE id = $1";

/// Moves a new post or comment back in time, so the feed reads like a month of school rather than
/// one minute. The domain stamps everything "now" on purpose (no function takes a moment), hence
/// plain SQL. Never into last school year: the photos would then fall in last year's album.
async fn backdate(db: &Db, sql: &str, id: i64, hours_ago: i64) -> Result<()> {
    let at = db.clock().now() - hours_ago * 3600;
    let at = if db.clock().school_year_of(at) == db.clock().school_year_of(db.clock().now()) {
        at
    } else {
        db.clock().now()
    };
    with_db!(db, |pool| sqlx::query(sql)
        .bind(id)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .context("backdate")?;
    Ok(())
}

/// This school year's consent round of De Regenboog, with answers from the Jansen and Bakker
/// families. Both say yes to photos in Kring, so the photos of their children are seen by their
/// child's whole group.
async fn consent_round(db: &Db) -> Result<()> {
    let directie = actor(db, DIRECTIE).await?;
    let school = directie
        .roles
        .iter()
        .find(|r| r.role == app::roles::Role::Directie)
        .map(|r| r.school_id)
        .ok_or("showcase: the directie has no school")?;
    let round = consent::server::round_view(db, &directie, school)
        .await
        .context("consent round")?;
    if round.school_year.is_none() {
        // Queues the "please answer" mails; each is checked at send time, so only the family
        // that has not answered by then gets one.
        consent::server::open_round(db, &directie, school, false, None)
            .await
            .context("open consent round")?;
    }
    for guardian in [JANSEN, BAKKER] {
        answer_consent(db, guardian).await?;
    }
    Ok(())
}

/// One guardian answers for each of their children on the consent page, unless they already did
/// in this round (a second run would otherwise add to the answer history).
async fn answer_consent(db: &Db, email: &str) -> Result<()> {
    let parent = actor(db, email).await?;
    let children = consent::server::questions(db, &parent)
        .await
        .context("consent questions")?;
    let mut family = Vec::new();
    for answers in ANSWERS.iter().filter(|a| a.guardian == email) {
        let name = answers.child;
        let child = children
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("showcase: {name} is not a child of {email}"))?;
        if child.round.is_some() && child.open() == 0 {
            continue;
        }
        let chosen: Vec<(i64, bool)> = child
            .questions
            .iter()
            .map(|q| {
                let yes = answers.yes.contains(&q.purpose.kind.as_str());
                (q.purpose.id, yes)
            })
            .collect();
        family.push((child.pupil_id, chosen));
    }
    if !family.is_empty() {
        consent::server::answer_family(db, &parent, &family)
            .await
            .context("consent answers")?;
    }
    Ok(())
}

/// Stores a photo as `POST /media` does: the media row before the bytes, the original in storage
/// (the local data folder or S3), then the processing job queued. Answers the upload's uid.
async fn upload(state: &AppState, uploader: &Actor, jpeg: Vec<u8>) -> Result<String> {
    let slot = app::media::server::begin(&state.db, uploader, "image")
        .await
        .context("upload")?;
    let bytes = jpeg.len() as u64;
    if let Err(e) = state.storage.put(&slot.key, jpeg).await {
        app::media::server::abandon(&state.db, slot.id).await;
        return Err(format!("showcase: storing a photo: {e}"));
    }
    app::media::server::received(state, slot.id, bytes)
        .await
        .context("upload")?;
    Ok(slot.uid)
}

/// Runs the photo lane of the job queue, exactly the job a running server would run: decoding,
/// three sizes, the original deleted. A post whose photos are ready is published at once. A server
/// sharing the database may claim a job first; then its result is awaited.
async fn process_uploads(state: &AppState, runner: &worker::Runner, uids: &[String]) -> Result<()> {
    worker::run_due_media(runner)
        .await
        .context("processing photos")?;
    for uid in uids {
        wait_until_ready(&state.db, uid).await?;
    }
    Ok(())
}

async fn wait_until_ready(db: &Db, uid: &str) -> Result<()> {
    for _ in 0..600 {
        let (status,): (String,) = with_db!(db, |pool| sqlx::query_as(
            "SELECT status FROM media WHERE uid = $1"
        )
        .bind(uid)
        .fetch_one(pool)
        .await)
        .context("photo status")?;
        match status.as_str() {
            "ready" => return Ok(()),
            "receiving" | "uploaded" => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await
            }
            other => return Err(format!("showcase: a photo was not processed ({other})")),
        }
    }
    Err("showcase: a photo was not processed within 30 seconds".into())
}

/// One photo post: uploads, processing, then the post with its tags through the compose rules.
async fn photo_post(state: &AppState, runner: &worker::Runner, spec: &PhotoPost) -> Result<()> {
    let db = &state.db;
    let author = actor(db, spec.author).await?;
    if existing_post(db, &author, spec.title).await?.is_some() {
        return Ok(());
    }
    let limits = state.settings.media_limits;
    // What the compose page offers this teacher: their groups and the children they may tag.
    let options = posts::server::compose_options(db, &author, limits)
        .await
        .context("compose options")?;
    let group = options
        .groups
        .iter()
        .find(|g| g.name == spec.group)
        .ok_or_else(|| format!("showcase: {} is not in this school year", spec.group))?;
    let mut form = PostForm {
        title: spec.title.into(),
        body: spec.body.into(),
        groups: vec![group.id],
        comments: true,
        ..Default::default()
    };
    for (picture, children) in spec.photos {
        let uid = upload(state, &author, picture.paint()).await?;
        if children.is_empty() {
            form.no_children.push(uid.clone());
        }
        for name in children.iter() {
            let child = options
                .candidates
                .iter()
                .find(|c| c.name == *name)
                .ok_or_else(|| format!("showcase: {name} cannot be tagged in {}", spec.group))?;
            form.tags.push(format!("{uid}:{}", child.pupil_id));
        }
        form.media.push(uid);
    }
    process_uploads(state, runner, &form.media).await?;
    let post = NewPost::parse(form).context(spec.title)?;
    let id = posts::server::create(db, &author, post, &limits)
        .await
        .context(spec.title)?;
    backdate(db, BACKDATE_POST, id, spec.hours_ago).await
}

/// A parent's comment on a class post, unless it is there already.
async fn comment(db: &Db) -> Result<()> {
    let (parent, post_author, title, text, hours_ago) = COMMENT;
    let post_author = actor(db, post_author).await?;
    let post_id = existing_post(db, &post_author, title)
        .await?
        .ok_or_else(|| format!("showcase: the post {title} is missing"))?;
    let parent = actor(db, parent).await?;
    let present = comments::server::list(db, &parent, post_id)
        .await
        .context("comments")?;
    if present.comments.iter().any(|c| c.mine && c.body == text) {
        return Ok(());
    }
    let text = CommentText::parse(text).context("comment")?;
    let id = comments::server::add(db, &parent, post_id, text)
        .await
        .context("comment")?;
    backdate(db, BACKDATE_COMMENT, id, hours_ago).await
}

/// The school's newsletter, saved as a draft and sent like the directie does from its preview.
async fn newsletter(state: &AppState, runner: &worker::Runner) -> Result<()> {
    let db = &state.db;
    let directie = actor(db, DIRECTIE).await?;
    let id = match existing_post(db, &directie, NEWSLETTER_TITLE).await? {
        Some(id) => id,
        None => draft_newsletter(state, runner, &directie).await?,
    };
    // A run that stopped between saving and sending left a draft: it is sent now.
    let post = app::feed::read::post(db, &directie, id)
        .await
        .context("newsletter")?;
    if post.unsent() {
        newsletters::server::send(state, &directie, id, None)
            .await
            .context("send newsletter")?;
        backdate(db, BACKDATE_POST, id, NEWSLETTER_HOURS_AGO).await?;
    }
    Ok(())
}

/// Saves the newsletter with the drawing, then marks the drawing as showing no child: the form
/// offers that mark only for photos already in the newsletter, so it takes a second save there too.
async fn draft_newsletter(
    state: &AppState,
    runner: &worker::Runner,
    directie: &Actor,
) -> Result<i64> {
    let db = &state.db;
    let limits = state.settings.media_limits;
    let school = newsletters::server::schools(db, directie)
        .await
        .context("newsletter")?
        .into_iter()
        .next()
        .ok_or("showcase: the directie has no school group")?;
    let uid = upload(state, directie, Picture::Drawing.paint()).await?;
    let photos = [uid];
    process_uploads(state, runner, &photos).await?;
    let mut form = DraftForm {
        group_id: school.id,
        title: NEWSLETTER_TITLE.into(),
        intro: NEWSLETTER_INTRO.into(),
        headings: NEWSLETTER_SECTIONS.iter().map(|s| s.0.into()).collect(),
        texts: NEWSLETTER_SECTIONS.iter().map(|s| s.1.into()).collect(),
        ..Default::default()
    };
    let id = newsletters::server::save(db, directie, &form, &photos, &[], &limits)
        .await
        .context("save newsletter")?;
    form.id = Some(id);
    form.no_children = photos.to_vec();
    newsletters::server::save(db, directie, &form, &[], &[], &limits)
        .await
        .context("save newsletter")?;
    Ok(id)
}
