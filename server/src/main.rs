//! `kring`: serve, migrate, seed-demo [--showcase], seed-load, create-admin, send-summary, import.
use std::process::ExitCode;

use app::platform::{db::Db, jobs, mail::Mailer, worker};
use clap::{Parser, Subcommand};
use server::{
    app_state, config::Config, seed, seed_load, seed_showcase, serve, spawn_worker, summary,
};

#[derive(Parser)]
#[command(
    name = "kring",
    version,
    about = "Kring: a closed platform for primary schools and families"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and stop.
    Migrate,
    /// Create the demo schools and accounts (idempotent) and print one line per account.
    SeedDemo {
        /// Also add what a school has after a month of use: photo posts with children tagged, a
        /// parent's comment, a sent newsletter and an open consent round (idempotent too).
        #[arg(long)]
        showcase: bool,
    },
    /// Create a large foundation for load benchmarks (idempotent): schools of 30 class groups with 20
    /// pupils each, and posts spread over the groups. Prints the guardian whose feed to measure.
    SeedLoad {
        #[arg(long, default_value_t = 20_000)]
        posts: usize,
        #[arg(long, default_value_t = 300)]
        groups: usize,
    },
    /// Create a foundation admin; a link to choose a password is e-mailed.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Beheerder")]
        name: String,
    },
    /// Send the e-mail summary for the period that ends now (the last week or day) and wait until it
    /// is out; prints how many were queued, sent and failed, and how long it took. With
    /// `--queue-only` it only queues the run for a running server to send.
    SendSummary {
        #[arg(long, default_value = "weekly")]
        frequency: String,
        #[arg(long)]
        queue_only: bool,
    },
    /// Import pupils, guardians and groups from the LAS (a CSV, or EDEXML with a guardians CSV):
    /// prints the preview (`new|changed|leaving|invite|error pupil|guardian|group|teacher KEY
    /// DETAIL`) and the counts; with `--apply` applies it and ends with `applied`.
    Import {
        /// The school's name as Kring has it.
        #[arg(long)]
        school: String,
        /// The pupils file (CSV or EDEXML, recognised from its content).
        file: std::path::PathBuf,
        /// A CSV of guardians keyed on leerlingnummer (completes an EDEXML file).
        #[arg(long)]
        guardians: Option<std::path::PathBuf>,
        /// Apply the changes (without it nothing changes).
        #[arg(long)]
        apply: bool,
    },
    /// Run the photo pipeline on files and write the sizes to a folder (benchmarks and checks).
    ProcessPhotos {
        #[arg(long)]
        out: std::path::PathBuf,
        files: Vec<std::path::PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    server::memory::return_large_allocations();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kring: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(server::config::log_filter(&config.log_filter))
        .with_target(false)
        .init();
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kring: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config) -> Result<Db, String> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.settings.data_dir)
            .map_err(|e| format!("cannot create KRING_DATA_DIR: {e}"))?;
    }
    let db = Db::connect(&config.database_url, config.clock())
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    if let Command::ProcessPhotos { out, files } = &command {
        return process_photos(out, files);
    }
    let db = open(&config).await?;
    match command {
        Command::Migrate => {
            println!("migrations applied ({})", db.backend());
            Ok(())
        }
        Command::SeedDemo { showcase } => {
            let accounts = seed::seed_demo(&db, &config.demo_password)
                .await
                .map_err(|e| e.to_string())?;
            if showcase {
                seed_showcase::seed_showcase(&app_state(&config, db)?).await?;
            }
            for a in accounts {
                println!("{} {} {}", a.role, a.email, a.group);
            }
            Ok(())
        }
        Command::SeedLoad { posts, groups } => {
            let size = seed_load::LoadSize { posts, groups };
            let made = seed_load::seed_load(&db, &config.demo_password, size)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "{} posts, {} class groups; feed of {}",
                made.posts,
                made.groups,
                seed_load::LOAD_PARENT
            );
            Ok(())
        }
        Command::CreateAdmin { email, name } => create_admin(&config, db, &email, &name).await,
        Command::SendSummary {
            frequency,
            queue_only,
        } => summary::send(&config, db, &frequency, queue_only).await,
        Command::Import {
            school,
            file,
            guardians,
            apply,
        } => {
            server::import_cli::run(&config, db, &school, &file, guardians.as_deref(), apply).await
        }
        Command::ProcessPhotos { .. } => unreachable!("handled before the database is opened"),
        Command::Serve => {
            let state = app_state(&config, db)?;
            if state.settings.smtp.is_none() {
                tracing::info!(folder = %state.settings.outbox_dir().display(), "no SMTP configured: mails are written to the outbox folder");
            }
            if state.settings.ffmpeg.is_none() {
                tracing::warn!("ffmpeg was not found (KRING_FFMPEG): video uploads are refused until it is installed");
            }
            spawn_worker(&state)?;
            let listener = tokio::net::TcpListener::bind(config.addr)
                .await
                .map_err(|e| format!("cannot listen on KRING_ADDR {}: {e}", config.addr))?;
            println!("Kring is running at {}", state.settings.origin());
            serve(listener, state, shutdown_signal())
                .await
                .map_err(|e| e.to_string())
        }
    }
}

async fn create_admin(config: &Config, db: Db, email: &str, name: &str) -> Result<(), String> {
    let email = app::accounts::model::Email::parse(email)
        .map_err(|_| "that e-mail address is not valid".to_string())?;
    let name = app::accounts::model::parse_name(name, "name")
        .map_err(|_| "the name is empty or too long".to_string())?;
    let (user_id,): (i64,) = app::with_db!(&db, |pool| sqlx::query_as(
        "INSERT INTO users (email, name, is_admin, created_at) VALUES ($1, $2, TRUE, $3) \
         ON CONFLICT (email) DO UPDATE SET is_admin = TRUE, active = TRUE RETURNING id"
    )
    .bind(email.as_str())
    .bind(&name)
    .bind(db.clock().now())
    .fetch_one(pool)
    .await)
    .map_err(|e| e.to_string())?;
    let payload = app::accounts::server::ResetJob { user_id };
    jobs::enqueue(
        &db,
        "mail.password_reset",
        &payload,
        &format!("admin:{user_id}:{}", db.clock().now()),
    )
    .await
    .map_err(|e| e.to_string())?;
    let state = app_state(config, db)?;
    let mailer = Mailer::from_settings(&state.settings)?;
    worker::run_due(&app::jobs::runner(state, mailer))
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "admin {} created; a link to choose a password was sent by e-mail",
        email.as_str()
    );
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Times Kring's photo pipeline (decode, orient, sRGB, three sizes, JPEG) per file, as the job runs it.
fn process_photos(out: &std::path::Path, files: &[std::path::PathBuf]) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let mut total = std::time::Duration::ZERO;
    for file in files {
        let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let started = std::time::Instant::now();
        let done = app::media::photo::process_image(&bytes)
            .map_err(|r| format!("{}: refused ({})", file.display(), r.key))?;
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("photo");
        for r in &done.renditions {
            std::fs::write(
                out.join(format!("{stem}-{}.jpg", r.variant.as_str())),
                &r.jpeg,
            )
            .map_err(|e| e.to_string())?;
        }
        let took = started.elapsed();
        total += took;
        println!("{} {} ms", file.display(), took.as_millis());
    }
    println!("total {} ms", total.as_millis());
    Ok(())
}
