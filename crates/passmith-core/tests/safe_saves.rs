//! Saving `.pass` folders: only managed files change (a real git repository sees nothing else),
//! interrupted saves are finished or undone on the next open (including a child process
//! SIGKILLed at random moments while saving 10 MB of images), and leftovers of older Passmith
//! versions are restored or kept, never deleted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use passmith_core::folder::{self, JOURNAL_FILE, Recovery};
use passmith_core::model::{Field, FieldGroup, PassFields};
use passmith_core::strings::Strings;
use passmith_core::{Pass, PassDocument};

/// A small pass with two languages and images at two densities.
fn sample() -> PassDocument {
    let mut pass = Pass {
        format_version: Some(1),
        description: "Safe saves".into(),
        organization_name: "Passmith".into(),
        pass_type_identifier: "pass.com.example.safe".into(),
        serial_number: "1".into(),
        team_identifier: "ABCDE12345".into(),
        ..Pass::default()
    };
    let mut fields = PassFields::default();
    fields
        .group_mut(FieldGroup::Primary)
        .push(Field::text("name", "Name", "Hello"));
    pass.generic = Some(fields);
    let mut doc = PassDocument::new(pass);
    doc.files
        .insert("icon.png".into(), b"icon-1x".to_vec().into());
    doc.files
        .insert("icon@2x.png".into(), b"icon-2x".to_vec().into());
    doc.files
        .insert("thumbnail.png".into(), b"thumb".to_vec().into());
    doc.files
        .insert("de.lproj/logo.png".into(), b"logo-de".to_vec().into());
    let mut fr = Strings::default();
    fr.set("Hello", "Bonjour");
    doc.localizations.insert("fr".into(), fr);
    doc
}

/// Every file and folder under `root` (hidden ones included), with its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    snapshot_where(root, &|_| true)
}

/// [`snapshot`] of the files whose relative path passes `keep`.
fn snapshot_where(root: &Path, keep: &dyn Fn(&str) -> bool) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(
        root: &Path,
        dir: &Path,
        keep: &dyn Fn(&str) -> bool,
        out: &mut BTreeMap<String, Option<Vec<u8>>>,
    ) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.insert(format!("{rel}/"), None);
                walk(root, &path, keep, out);
            } else if keep(&rel) {
                out.insert(rel, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, keep, &mut out);
    out
}

/// The snapshot without the files Passmith manages: what a save must never change.
fn unmanaged(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = snapshot_where(root, &|rel| !folder::is_managed(rel));
    out.retain(|rel, _| !rel.ends_with(".lproj/"));
    out
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Passmith Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(["-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_save_changes_only_pass_json_in_a_git_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("MyPass.pass");
    sample().write_dir(&dir).unwrap();
    std::fs::write(dir.join(".DS_Store"), b"\0\0\0\x01Bud1 finder data").unwrap();
    std::fs::write(dir.join("notes.txt"), "Print run: 500 cards\n").unwrap();
    std::fs::write(dir.join("extra.bin"), [0u8, 159, 146, 150, 255]).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "first design"]);
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");
    let before = snapshot(&dir);

    let mut doc = PassDocument::read_dir(&dir).unwrap();
    doc.pass.description = "Edited in the designer".into();
    doc.write_dir(&dir).unwrap();

    // Compared before git runs again (git status refreshes its own index file).
    let after = snapshot(&dir);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .chain(before.keys().filter(|k| !after.contains_key(*k)))
        .collect();
    assert_eq!(changed, ["pass.json"]);
    assert!(before.keys().any(|k| k.starts_with(".git/objects/")));
    assert_eq!(git(&dir, &["status", "--porcelain"]), " M pass.json\n");
    let back = PassDocument::read_dir(&dir).unwrap();
    assert_eq!(back, doc);
}

#[test]
fn removed_files_go_only_when_passmith_manages_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Card.pass");
    let mut doc = sample();
    doc.files
        .insert("extra.bin".into(), b"unknown".to_vec().into());
    doc.write_dir(&dir).unwrap();
    std::fs::create_dir(dir.join(".passmith")).unwrap();
    std::fs::write(dir.join(".passmith/logo-source.svg"), b"<svg/>").unwrap();
    std::fs::write(dir.join("fr.lproj/notes.txt"), b"translator notes").unwrap();
    let keep = unmanaged(&dir);

    doc.files.remove("thumbnail.png");
    doc.files.remove("de.lproj/logo.png");
    doc.files.remove("extra.bin");
    doc.localizations.clear();
    doc.write_dir(&dir).unwrap();

    assert!(!dir.join("thumbnail.png").exists());
    assert!(!dir.join("fr.lproj/pass.strings").exists());
    // An lproj folder emptied by the save goes; one holding the user's notes stays.
    assert!(!dir.join("de.lproj").exists());
    assert!(dir.join("fr.lproj/notes.txt").exists());
    // extra.bin is not a file Wallet reads, so it is the user's even though the pass held it.
    assert_eq!(std::fs::read(dir.join("extra.bin")).unwrap(), b"unknown");
    assert_eq!(unmanaged(&dir), keep);
    let mut expected = doc.clone();
    expected
        .files
        .insert("extra.bin".into(), b"unknown".to_vec().into());
    expected.files.insert(
        "fr.lproj/notes.txt".into(),
        b"translator notes".to_vec().into(),
    );
    assert_eq!(PassDocument::read_dir(&dir).unwrap(), expected);
}

#[cfg(unix)]
#[test]
fn an_unchanged_save_touches_nothing_and_a_changed_file_keeps_its_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Card.pass");
    let mut doc = sample();
    doc.write_dir(&dir).unwrap();
    let inode = |p: &str| std::fs::metadata(dir.join(p)).unwrap().ino();
    let (json, icon) = (inode("pass.json"), inode("icon.png"));
    doc.write_dir(&dir).unwrap();
    assert_eq!((inode("pass.json"), inode("icon.png")), (json, icon));

    std::fs::set_permissions(dir.join("icon.png"), std::fs::Permissions::from_mode(0o600)).unwrap();
    doc.files
        .insert("icon.png".into(), b"new icon".to_vec().into());
    doc.write_dir(&dir).unwrap();
    assert_ne!(inode("icon.png"), icon);
    assert_eq!(inode("pass.json"), json);
    let mode = std::fs::metadata(dir.join("icon.png")).unwrap().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn hidden_files_carried_by_a_document_never_overwrite_the_users() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Card.pass");
    let mut doc = sample();
    doc.write_dir(&dir).unwrap();
    std::fs::write(dir.join(".DS_Store"), b"mine").unwrap();
    // As a .pkpass zipped on a Mac can bring it in.
    doc.files
        .insert(".DS_Store".into(), b"theirs".to_vec().into());
    doc.pass.description = "Changed".into();
    doc.write_dir(&dir).unwrap();
    assert_eq!(std::fs::read(dir.join(".DS_Store")).unwrap(), b"mine");

    doc.files
        .insert("../escape.png".into(), b"x".to_vec().into());
    let err = doc.write_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("../escape.png"), "{err}");
    assert!(!tmp.path().join("escape.png").exists());
}

#[test]
fn saving_onto_a_file_or_a_folder_in_the_way_says_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("Taken.pass");
    std::fs::write(&file, b"a file").unwrap();
    let err = sample().write_dir(&file).unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"a file");

    let dir = tmp.path().join("Card.pass");
    sample().write_dir(&dir).unwrap();
    std::fs::remove_file(dir.join("icon@2x.png")).unwrap();
    std::fs::create_dir(dir.join("icon@2x.png")).unwrap();
    let err = sample().write_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("rename the folder"), "{err}");
}

#[test]
fn a_new_folder_appears_whole_and_leaves_nothing_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nested/New.pass");
    // What an interrupted first save of this folder would have left.
    std::fs::create_dir_all(tmp.path().join("nested/.New.pass.passmith-new")).unwrap();
    sample().write_dir(&dir).unwrap();
    assert_eq!(PassDocument::read_dir(&dir).unwrap(), sample());
    let names: Vec<_> = std::fs::read_dir(tmp.path().join("nested"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["New.pass"]);
}

#[test]
fn a_committed_save_is_completed_on_the_next_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Card.pass");
    let old = sample();
    old.write_dir(&dir).unwrap();
    let mut new = old.clone();
    new.pass.description = "New".into();
    new.files.remove("thumbnail.png");
    // The state after the commit, before the renames: temporaries plus the journal.
    let files = new.to_files().unwrap();
    std::fs::write(dir.join(".pass.json.passmith-new"), &files["pass.json"]).unwrap();
    std::fs::write(
        dir.join(JOURNAL_FILE),
        r#"{"replace":["pass.json"],"remove":["thumbnail.png"]}"#,
    )
    .unwrap();
    let opened = folder::open_dir(&dir).unwrap();
    assert_eq!(opened.document, new);
    assert_eq!(
        opened.recovered,
        [Recovery::CompletedSave {
            files: vec!["pass.json".into(), "thumbnail.png".into()]
        }]
    );
    assert!(opened.recovered[0].to_string().contains("finished"));
    assert!(!dir.join(JOURNAL_FILE).exists());
    // Opening again finds nothing more to do.
    assert!(folder::open_dir(&dir).unwrap().recovered.is_empty());
}

#[test]
fn an_uncommitted_save_is_undone_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Card.pass");
    let old = sample();
    old.write_dir(&dir).unwrap();
    std::fs::write(dir.join(".pass.json.passmith-new"), b"{\"half").unwrap();
    std::fs::create_dir(dir.join("it.lproj")).unwrap();
    std::fs::write(dir.join("it.lproj/.pass.strings.passmith-new"), b"x").unwrap();
    std::fs::write(dir.join(".passmith-save.json.passmith-new"), b"{").unwrap();
    let opened = folder::open_dir(&dir).unwrap();
    assert_eq!(opened.document, old);
    match &opened.recovered[..] {
        [Recovery::DiscardedUnfinishedSave { files }] => assert_eq!(
            files,
            &[
                ".pass.json.passmith-new",
                ".passmith-save.json.passmith-new",
                "it.lproj/.pass.strings.passmith-new"
            ]
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        opened.recovered[0]
            .to_string()
            .contains("as it was saved before")
    );
    assert!(!dir.join("it.lproj").exists());
}

#[test]
fn folders_left_by_older_versions_are_restored_or_kept_never_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Old.pass");
    // Crash between "move the old folder away" and "move the new one in".
    let previous = tmp.path().join(".Old.pass.previous-4242");
    sample().write_dir(&previous).unwrap();
    std::fs::create_dir(previous.join(".git")).unwrap();
    std::fs::write(previous.join(".git/HEAD"), b"ref: refs/heads/main\n").unwrap();
    let opened = folder::open_dir(&dir).unwrap();
    assert_eq!(opened.document, sample());
    assert_eq!(
        opened.recovered,
        [Recovery::RestoredPreviousCopy {
            from: previous.clone()
        }]
    );
    assert!(dir.join(".git/HEAD").is_file());
    assert!(!previous.exists());

    // Crash before the old copy was removed: kept and reported, every time, until the user acts.
    let leftover = tmp.path().join(".Old.pass.previous-77");
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(leftover.join("notes.txt"), b"only copy").unwrap();
    for _ in 0..2 {
        let opened = folder::open_dir(&dir).unwrap();
        assert_eq!(
            opened.recovered,
            [Recovery::LeftoverCopy {
                path: leftover.clone()
            }]
        );
        assert!(
            opened.recovered[0]
                .to_string()
                .contains("delete it yourself")
        );
    }
    sample().write_dir(&dir).unwrap();
    assert_eq!(
        std::fs::read(leftover.join("notes.txt")).unwrap(),
        b"only copy"
    );

    // Only an unfinished new copy: the user decides.
    let gone = tmp.path().join("Gone.pass");
    let saving = tmp.path().join(".Gone.pass.saving-9");
    sample().write_dir(&saving).unwrap();
    let err = PassDocument::read_dir(&gone).unwrap_err();
    assert!(err.to_string().contains(".Gone.pass.saving-9"), "{err}");
    assert!(saving.is_dir());
}

// ---------------------------------------------------------------------------------------------
// SIGKILL at random moments of a large save.

/// Set in the child: the pass folder to save into, over and over.
const CHILD_DIR: &str = "PASSMITH_TEST_SAVE_LOOP_DIR";
const KILLS: usize = 100;

/// Two versions of a pass with 10 MB of images that differ in every image and in pass.json
/// (filled by `vec!`, as unoptimized test code would take longer to make noise than to save).
fn large_versions() -> (PassDocument, PassDocument) {
    let names = [
        "background@2x.png",
        "strip@2x.png",
        "thumbnail@2x.png",
        "logo@2x.png",
        "fr.lproj/logo@2x.png",
    ];
    let mut a = sample();
    let mut b = sample();
    b.pass.description = "Version B".into();
    b.localizations.get_mut("fr").unwrap().set("Hello", "Salut");
    for (i, name) in names.into_iter().enumerate() {
        let i = u8::try_from(i).unwrap();
        a.files
            .insert(name.into(), vec![0xA0 | i; 2 * 1024 * 1024].into());
        b.files
            .insert(name.into(), vec![0x50 | i; 2 * 1024 * 1024].into());
    }
    (a, b)
}

/// Tiny xorshift: the delays only need to be spread, and the seed is printed to replay a run.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[cfg(unix)]
#[test]
fn interrupted_saves_leave_the_old_or_the_new_pass() {
    let (a, b) = large_versions();
    if let Some(dir) = std::env::var_os(CHILD_DIR) {
        // The child: save B, A, B, … until killed. The first marker says saving has begun.
        let dir = PathBuf::from(dir);
        std::fs::write(dir.with_extension("started"), b"").unwrap();
        loop {
            b.write_dir(&dir).unwrap();
            a.write_dir(&dir).unwrap();
        }
    }

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("Large.pass");
    a.write_dir(&dir).unwrap();
    std::fs::create_dir_all(dir.join(".git/refs/heads")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), b"ref: refs/heads/main\n").unwrap();
    std::fs::write(dir.join(".git/refs/heads/main"), b"0123abcd\n").unwrap();
    std::fs::write(dir.join(".DS_Store"), b"finder").unwrap();
    std::fs::write(dir.join("notes.txt"), b"keep me").unwrap();
    std::fs::write(dir.join("fr.lproj/.translator"), b"hidden in lproj").unwrap();
    let keep = unmanaged(&dir);
    let a = PassDocument::read_dir(&dir).unwrap();
    let mut b_expected = b.clone();
    b_expected
        .files
        .insert("notes.txt".into(), b"keep me".to_vec().into());

    // How long one save takes here, so the kills spread over whole saves.
    let t = Instant::now();
    b.write_dir(&dir).unwrap();
    a.write_dir(&dir).unwrap();
    let save = (t.elapsed() / 2).max(Duration::from_millis(5));

    // Seconds and the process id: a different schedule each run, printed to replay it.
    let mut seed = (crate::util::now().unsigned_abs() << 20) ^ u64::from(std::process::id()) | 1;
    eprintln!("kill schedule seed {seed}, one save takes {save:?}");
    let exe = std::env::current_exe().unwrap();
    let started = dir.with_extension("started");
    let (mut completed, mut discarded, mut clean, mut saw_b) = (0, 0, 0, 0);
    let run = Instant::now();
    // The child's saves can be slower than the one timed here (a busy machine): when one side
    // of the commit has not been hit after a round of kills, the delays move towards it, and
    // up to three times as many kills are made.
    let mut scale = 1.2;
    let mut kills = 0;
    for i in 0..3 * KILLS {
        if i >= KILLS && completed > 0 && discarded > 0 {
            break;
        }
        if i > 0 && i % 20 == 0 {
            if completed == 0 {
                scale *= 1.5;
            } else if discarded == 0 {
                scale /= 1.5;
            }
        }
        kills += 1;
        let _ = std::fs::remove_file(&started);
        let mut child = Command::new(&exe)
            .args([
                "interrupted_saves_leave_the_old_or_the_new_pass",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let wait = Instant::now();
        while !started.exists() {
            assert!(
                wait.elapsed() < Duration::from_secs(30),
                "the child never started"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        // Anywhere within the first save (B over A) and the start of the next.
        let delay = save.mul_f64(scale * (next(&mut seed) % 10_000) as f64 / 10_000.0);
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let opened = folder::open_dir(&dir)
            .unwrap_or_else(|e| panic!("kill {i} after {delay:?}: the pass does not open: {e}"));
        assert!(
            opened.document == a || opened.document == b_expected,
            "kill {i} after {delay:?}: the folder is neither the old nor the new pass"
        );
        saw_b += usize::from(opened.document == b_expected);
        match opened.recovered.first() {
            Some(Recovery::CompletedSave { .. }) => completed += 1,
            Some(Recovery::DiscardedUnfinishedSave { .. }) => discarded += 1,
            _ => clean += 1,
        }
        assert_eq!(
            unmanaged(&dir),
            keep,
            "kill {i} after {delay:?}: a hidden or unknown file changed"
        );
    }
    eprintln!(
        "{kills} kills in {:?}: {completed} completed, {discarded} undone, {clean} between saves; \
         {saw_b} times version B",
        run.elapsed()
    );
    // The kills really landed inside saves, on both sides of the commit.
    assert!(
        // (a third at least: on a busy machine more kills fall between two saves)
        completed + discarded >= kills / 3,
        "{completed} + {discarded}"
    );
    assert!(completed > 0 && discarded > 0, "{completed} / {discarded}");
}
