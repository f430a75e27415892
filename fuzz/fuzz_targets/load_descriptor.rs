//! Any bytes as a descriptor file: reading, YAML parsing, kind recognition and typed
//! deserialisation must never panic, and every finding must carry a position inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meshport::diag::Diagnostics;
use meshport::model::raw;
use meshport::source::{read_descriptor, Document};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // YAML counts a lone `\r` as a line break too (old Mac line endings).
    let lines = (text.matches('\n').count() + text.matches('\r').count()) as u32 + 2;
    match read_descriptor("content/f.odps.yaml", text) {
        Ok(file) => {
            let mut diags = Diagnostics::new();
            match &file.doc {
                Document::Product(doc) => {
                    let _ = meshport::model::typed::<raw::Product>(&file.rel, doc, &mut diags);
                }
                Document::Contract(doc) => {
                    let _ = meshport::model::typed::<raw::Contract>(&file.rel, doc, &mut diags);
                }
                _ => {}
            }
            for d in diags.iter() {
                assert!(d.line >= 1 && d.line <= lines, "line {} outside the file", d.line);
            }
        }
        Err(d) => assert!(d.line >= 1 && d.line <= lines + 1, "line {} outside the file", d.line),
    }
});
