//! The files a custom template may read: those in its own folder, and only
//! those. Typst keeps paths inside the folder lexically (`../x` fails), but
//! follows links; here every path is resolved (links included) and must
//! still be inside the folder, and only ordinary files within a size limit
//! are read. Files are not cached across compilations, so an edited image
//! is seen by the next talk.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::Bytes;
use typst::syntax::{FileId, Source, VirtualRoot};
use typst_as_lib::file_resolver::FileResolver;

use crate::files;
use crate::limits::MAX_TEMPLATE_FILE_BYTES;

pub struct TemplateFolder {
    /// The folder, with every link resolved.
    root: PathBuf,
}

impl TemplateFolder {
    pub fn new(root: &Path) -> std::io::Result<Self> {
        Ok(TemplateFolder { root: std::fs::canonicalize(root)? })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real file behind `id`, if it is inside the folder.
    pub fn locate(&self, id: FileId) -> FileResult<PathBuf> {
        if *id.root() != VirtualRoot::Project {
            return Err(FileError::Other(Some("talkposter layouts cannot use Typst packages".into())));
        }
        let path = id.vpath().realize(&self.root).map_err(FileError::Realize)?;
        let real = std::fs::canonicalize(&path).map_err(|e| FileError::from_io(e, &path))?;
        if !real.starts_with(&self.root) {
            return Err(FileError::Other(Some(
                format!(
                    "`{}` leads outside the template's folder (through a link); a template may only read files in its folder",
                    id.vpath().get_without_slash()
                )
                .into(),
            )));
        }
        Ok(real)
    }

    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        let real = self.locate(id)?;
        files::read_limited(&real, MAX_TEMPLATE_FILE_BYTES, "a file a template reads")
            .map_err(|d| if real.is_dir() { FileError::IsDirectory } else { FileError::Other(Some(d.message.into())) })
    }
}

impl FileResolver for TemplateFolder {
    fn resolve_binary(&self, id: FileId) -> FileResult<Cow<'_, Bytes>> {
        Ok(Cow::Owned(Bytes::new(self.read(id)?)))
    }

    fn resolve_source(&self, id: FileId) -> FileResult<Cow<'_, Source>> {
        let bytes = self.read(id)?;
        let text = String::from_utf8(bytes).map_err(|_| FileError::InvalidUtf8)?;
        let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
        Ok(Cow::Owned(Source::new(id, text)))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use typst::syntax::{RootedPath, VirtualPath};

    fn id(path: &str) -> FileId {
        RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).unwrap()).intern()
    }

    #[test]
    fn files_in_the_folder_are_read_links_out_of_it_and_devices_are_not() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ok.txt"), "fine").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/inner.txt"), "also fine").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("secret.txt")).unwrap();
        std::os::unix::fs::symlink("sub/inner.txt", dir.path().join("inner-link.txt")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.bin")).unwrap();
        std::os::unix::fs::symlink("loop-b", dir.path().join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", dir.path().join("loop-b")).unwrap();
        let folder = TemplateFolder::new(dir.path()).unwrap();

        assert_eq!(folder.read(id("/ok.txt")).unwrap(), b"fine");
        assert_eq!(folder.read(id("/inner-link.txt")).unwrap(), b"also fine", "links inside the folder are fine");
        let secret = folder.read(id("/secret.txt")).unwrap_err().to_string();
        assert!(secret.contains("leads outside the template's folder"), "{secret}");
        // /dev/zero is outside the folder too; a device inside it would be refused as not a file.
        assert!(folder.read(id("/zero.bin")).is_err());
        assert!(folder.read(id("/loop-a")).is_err());
        assert!(matches!(folder.read(id("/none.txt")), Err(FileError::NotFound(_))));
    }
}
