//! What the designer's undo history costs on a pass with a 5 MB background image (issue 8,
//! "cheap undo"): the memory 200 edits add, measured with a counting global allocator, and the
//! per-frame check "did the document change?" that the app runs after every frame.
//!
//! File bytes are shared (`FileBytes`, an `Arc<[u8]>`), so an undo step holds the pass model and pointers to
//! the same image bytes, and comparing two snapshots compares those pointers, not 5 MB.
//!
//! `cargo bench -p passmith --bench undo -- --warm-up-time 1 --measurement-time 3`

// A counting allocator has to implement `GlobalAlloc`, which is an unsafe trait; it forwards
// every call to the system allocator and only adds up sizes.
#![allow(unsafe_code)]
// A benchmark stops at the first surprise: the template and the edits are the program's own.
#![allow(clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use passmith::app::history::History;
use passmith::app::templates;
use passmith_core::PassDocument;
use passmith_core::document::FileBytes;
use passmith_core::model::{Barcode, BarcodeFormat, FieldGroup, Style};

/// Bytes currently allocated through the global allocator.
static LIVE: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counter
// is only arithmetic on sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const BACKGROUND_BYTES: usize = 5 * 1024 * 1024;
const EDITS: usize = 200;
const MB: f64 = 1024.0 * 1024.0;

/// The event ticket template with a 5 MB `background@2x.png` (bytes that do not repeat, so
/// nothing could share them by accident).
fn pass_with_background() -> PassDocument {
    let mut doc = templates::template(Style::EventTicket).expect("the event ticket template");
    let mut state = 0x2545_f491_u32;
    let background: Vec<u8> = (0..BACKGROUND_BYTES)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    doc.files
        .insert("background@2x.png".to_owned(), background.into());
    doc
}

/// Edit `i` of a session: typing in text fields, a field value, a barcode added and removed.
fn edit(doc: &mut PassDocument, i: usize) {
    match i % 4 {
        0 => doc.pass.description = format!("Event ticket, edit {i}"),
        1 => doc.pass.logo_text = Some(format!("Northwind {i}")),
        2 => {
            if let Some(fields) = doc.pass.fields_mut()
                && let Some(field) = fields.group_mut(FieldGroup::Primary).first_mut()
            {
                field.label = Some(format!("Act {i}"));
            }
        }
        _ => {
            let barcodes = doc.pass.barcodes.get_or_insert_with(Vec::new);
            if barcodes.len() > 1 {
                barcodes.pop();
            } else {
                barcodes.push(Barcode::new(BarcodeFormat::Qr, &format!("TICKET-{i}")));
            }
        }
    }
}

/// A history after `EDITS` separate edits, and the document as it is then. With
/// `copy_bytes`, every step gets its own copy of each file, as when files were `Vec<u8>`: the
/// baseline the shared bytes are measured against.
fn history_after_edits(start: &PassDocument, copy_bytes: bool) -> (History, PassDocument) {
    let mut doc = start.clone();
    let mut history = History::new(&doc);
    for i in 0..EDITS {
        edit(&mut doc, i);
        if copy_bytes {
            doc.files = doc
                .files
                .iter()
                .map(|(path, bytes)| (path.clone(), FileBytes::from(&bytes[..])))
                .collect();
        }
        assert!(history.commit(&doc, None), "edit {i} changed the document");
    }
    assert_eq!(history.undo_len(), EDITS);
    (history, doc)
}

/// The memory 200 undo steps add: allocated bytes still live after the edits, minus before.
fn memory_added_by_edits(copy_bytes: bool) -> f64 {
    let start = pass_with_background();
    let before = LIVE.load(Ordering::Relaxed);
    let (history, doc) = history_after_edits(&start, copy_bytes);
    let after = LIVE.load(Ordering::Relaxed);
    if copy_bytes {
        drop((history, doc));
        return after.saturating_sub(before) as f64 / MB;
    }
    // Undo goes all the way back and still shares the background with the start.
    let mut back = doc.clone();
    let mut history = history;
    while history.undo(&mut back) {}
    assert_eq!(back, start);
    assert!(FileBytes::ptr_eq(
        &back.files["background@2x.png"],
        &start.files["background@2x.png"]
    ));
    drop((history, doc, back));
    after.saturating_sub(before) as f64 / MB
}

fn undo_benches(c: &mut Criterion) {
    let added = memory_added_by_edits(false);
    let copied = memory_added_by_edits(true);
    println!(
        "undo memory: {EDITS} edits on a pass with a {} MB background add {added:.2} MB with \
         shared bytes (limit 30 MB), {copied:.2} MB when every step copies the bytes (baseline)",
        BACKGROUND_BYTES / (1024 * 1024),
    );
    assert!(added < 30.0, "200 edits added {added:.2} MB");

    let start = pass_with_background();
    let (mut history, doc) = history_after_edits(&start, false);
    // What the app does after every frame when nothing was edited (limit 50 µs).
    c.bench_function("undo/frame change check, nothing edited", |b| {
        b.iter(|| black_box(history.commit(black_box(&doc), None)));
    });
    // The unsaved-changes check, against the document as opened.
    c.bench_function("undo/is the document edited (vs. as opened)", |b| {
        b.iter(|| black_box(black_box(&doc) != black_box(&start)));
    });
    // For scale: what the same check cost when image bytes were compared (two copies).
    let copy = {
        let mut copy = doc.clone();
        let bytes: Vec<u8> = copy.files["background@2x.png"].to_vec();
        copy.files
            .insert("background@2x.png".to_owned(), bytes.into());
        copy
    };
    c.bench_function(
        "undo/same check with the image bytes copied (old cost)",
        |b| {
            b.iter(|| black_box(black_box(&doc) == black_box(&copy)));
        },
    );
}

criterion_group!(benches, undo_benches);
criterion_main!(benches);
