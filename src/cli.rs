//! Command-line interface: every flag documented where it is declared.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use talkposter::export::{Archive, PdfStandards};
use talkposter::pipeline::Format;

#[derive(Debug, Parser)]
#[command(
    name = "talkposter",
    version,
    about = "Turn a YAML description of an academic talk into a print-ready poster (PDF) and images (PNG).",
    after_help = "Examples:\n  talkposter new talk.yaml              write a starter event to fill in\n  talkposter watch talk.yaml            render it again at every save\n  talkposter render events/2024-06-13-yilun-xu.yaml -o out\n  talkposter batch events/cfcs-2024 -o out/cfcs-2024"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write a starter event to fill in (every key, the optional ones explained), or with --series a series folder.
    New(NewArgs),
    /// Check event and series files without rendering: every problem of every file, at once.
    Check(CheckArgs),
    /// Render one talk, then again whenever it, its series.yaml, a photo, the logo or its template changes.
    Watch(WatchArgs),
    /// Render one talk: writes DIR/<file name>.pdf and DIR/<file name>.png.
    Render(RenderArgs),
    /// Render a whole series: folders, series files with a `talks:` list, or talk files.
    Batch(BatchArgs),
    /// Turn a schedule sheet, a calendar file (.ics) or an Indico export (.json) into one YAML file per talk.
    Import(ImportArgs),
    /// List the built-in layouts, one line each.
    Templates,
    /// List the font families layouts can use (for `organizer.font`), and where each comes from.
    Fonts(FontsArgs),
    /// Print the JSON Schema of event files (or series files), for editors' completion and checks.
    Schema(SchemaArgs),
    /// Print a shell completion script: talkposter completions bash > ~/.local/share/bash-completion/completions/talkposter
    Completions(CompletionsArgs),
    /// Print the manual page (roff): talkposter man > talkposter.1
    Man,
    /// (internal) Lay out talks sent on stdin; started by `render` and `batch`.
    #[command(hide = true)]
    Worker(WorkerArgs),
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The event file to write (never overwritten); default talk.yaml.
    #[arg(value_name = "FILE", conflicts_with_all = ["series", "sheet"])]
    pub file: Option<PathBuf>,

    /// Write a series folder instead: DIR/series.yaml and a first talk.
    #[arg(long, value_name = "DIR", conflicts_with = "sheet")]
    pub series: Option<PathBuf>,

    /// Write an empty schedule instead (.xlsx or .csv): the headers
    /// `batch` reads and one example row, for colleagues to fill in.
    #[arg(long, value_name = "FILE")]
    pub sheet: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The file to import: .xlsx, .ods, .csv, .tsv, .ics, or an Indico export's .json.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Folder to write the talk files into; created when missing.
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".")]
    pub output: PathBuf,

    #[command(flatten)]
    pub sheets: SheetArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Event files, series files, schedule sheets, or folders of them.
    #[arg(value_name = "FILE|DIR", required = true)]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub sheets: SheetArgs,

    /// Also lay each poster out (fonts, fit, every character drawable); slower. Nothing is written.
    #[arg(long)]
    pub layout: bool,

    /// The layouts to check with, as for `render`.
    #[arg(long, value_name = "NAME|FILE,…", value_delimiter = ',')]
    pub template: Vec<String>,

    /// Extra folder of fonts, as for `render`; repeatable.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// The event file.
    #[arg(value_name = "EVENT.yaml")]
    pub event: PathBuf,

    /// Look at the files every 0.2 s instead of being told of changes: for
    /// network folders, where changes made on another computer are not told.
    #[arg(long)]
    pub poll: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SchemaKind {
    /// A talk's file.
    Event,
    /// A series.yaml.
    Series,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Which file's schema.
    #[arg(value_enum, default_value = "event")]
    pub kind: SchemaKind,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct FontsArgs {
    /// Extra folder of fonts (.ttf, .otf, .ttc), as for `render`; repeatable.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct WorkerArgs {
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// The event file (YAML; see the README for its keys).
    #[arg(value_name = "EVENT.yaml")]
    pub event: PathBuf,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BatchArgs {
    /// Folders of talk files (with an optional series.yaml), series files,
    /// talk files, or schedule sheets (.xlsx, .ods, .csv, .tsv: one talk per row).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub sheets: SheetArgs,

    /// Talks rendered at once; default: one per core.
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,

    /// Render every talk, even those whose posters are up to date.
    #[arg(long)]
    pub force: bool,

    /// Your own layout for the programme of the series (a .typ file; see docs/templates.md).
    #[arg(long = "programme-template", value_name = "FILE")]
    pub programme_template: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// How schedule sheets are read, for `batch` and `check`.
#[derive(Debug, Args, Default)]
pub(crate) struct SheetArgs {
    /// The tab of a workbook to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The series file whose defaults apply to a sheet's talks (default:
    /// series.yaml beside the sheet).
    #[arg(long, value_name = "FILE")]
    pub series: Option<PathBuf>,
}

impl SheetArgs {
    pub(crate) fn sources(&self) -> talkposter::series::Sources {
        talkposter::series::Sources { sheet: self.sheet.clone(), series: self.series.clone() }
    }
}

/// Options shared by `render` and `batch`.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Folder to write the posters into; created when missing.
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = "out")]
    pub output: PathBuf,

    /// What to write, comma-separated: pdf (the poster to print), png (to
    /// post, with alt text), ics (calendar file), txt and md (the
    /// announcement as plain text and as Markdown).
    #[arg(long, value_name = "pdf,png,ics,txt,md", value_delimiter = ',', default_value = "pdf,png")]
    pub format: Vec<FormatArg>,

    /// Resolution of the PNG in pixels per inch (150 gives 1240 px across
    /// A4); default 150, and at most 2480 px across for a big paper.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(18..=1200))]
    pub ppi: Option<u32>,

    /// The flyer's paper, overriding the event's `paper:`: a4 (default), a3,
    /// a2, a1, a0, letter, tabloid. Each is composed for its size.
    #[arg(long, value_name = "PAPER", value_parser = parse_paper)]
    pub paper: Option<talkposter::print::Paper>,

    /// Bleed for the print shop, e.g. 3mm or 0.125in: coloured bands run
    /// this far past the trim; the PDF gets a TrimBox and a BleedBox (the
    /// PNG stays at the trimmed size).
    #[arg(long, value_name = "LENGTH", value_parser = talkposter::print::parse_bleed)]
    pub bleed: Option<f64>,

    /// Draw crop marks outside the trim (and the bleed).
    #[arg(long = "crop-marks")]
    pub crop_marks: bool,

    /// Layouts, comma-separated: flyer, card, story, portrait, screen, link,
    /// cover (see `talkposter templates`) or .typ files; overrides the
    /// event's `template:`. The first layout's files are named after the
    /// event file, the others' with the layout's name added (talk-story.png).
    #[arg(long, value_name = "NAME|FILE,…", value_delimiter = ',')]
    pub template: Vec<String>,

    /// Your own announcement template (minijinja): a `.txt` file replaces the
    /// plain-text one, a `.md` file the Markdown one; see docs/announcements.md.
    #[arg(long = "announcement", value_name = "FILE")]
    pub announcement: Vec<PathBuf>,

    /// Extra folder of fonts (.ttf, .otf, .ttc), for `organizer.font` and custom templates; repeatable.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_path: Vec<PathBuf>,

    /// Seconds one talk may take before it is stopped and reported failed
    /// (text with `markup: typst` can hold loops that never end).
    #[arg(long = "time-limit", value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub time_limit: u64,

    /// The standards the PDF conforms to: ua-1 (accessible, the default),
    /// ua-1,a-2a or ua-1,a-3a (also archival, PDF/A), or none.
    #[arg(long = "pdf-standard", value_name = "ua-1[,a-2a|a-3a]|none", value_delimiter = ',', default_value = "ua-1")]
    pub pdf_standard: Vec<PdfStandardArg>,
}

fn parse_paper(s: &str) -> Result<talkposter::print::Paper, String> {
    talkposter::print::Paper::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = talkposter::print::Paper::ALL.iter().map(|p| p.name()).collect();
        format!("`{s}` is not a paper size talkposter knows: use one of {}", names.join(", "))
    })
}

/// What to write, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// The poster to print.
    Pdf,
    /// The poster as an image to post, with its alt text.
    Png,
    /// A calendar file (and, for a batch, `series.ics` with every talk).
    Ics,
    /// The announcement as plain text, for e-mail and WeChat.
    Txt,
    /// The announcement as Markdown.
    Md,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Png => Format::Png,
            FormatArg::Ics => Format::Ics,
            FormatArg::Txt => Format::Txt,
            FormatArg::Md => Format::Md,
        }
    }
}

/// The standards `--pdf-standard` asks for: UA-1 unless `none`, and with
/// an archival PDF/A when named.
pub(crate) fn pdf_standards(args: &[PdfStandardArg]) -> PdfStandards {
    use PdfStandardArg as A;
    if args.contains(&A::None) {
        return PdfStandards::none();
    }
    let archive = if args.contains(&A::A3a) {
        Some(Archive::A3a)
    } else if args.contains(&A::A2a) {
        Some(Archive::A2a)
    } else {
        None
    };
    PdfStandards { ua: args.contains(&A::Ua1) || archive.is_none(), archive, date: None }
}

/// A standard a poster's PDF conforms to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PdfStandardArg {
    /// PDF/UA-1: accessible (tagged, alternative texts, language, title).
    #[value(name = "ua-1")]
    Ua1,
    /// PDF/A-2a: archival, accessible.
    #[value(name = "a-2a")]
    A2a,
    /// PDF/A-3a: archival, accessible, may carry attachments.
    #[value(name = "a-3a")]
    A3a,
    /// Only tagged PDF.
    None,
}
