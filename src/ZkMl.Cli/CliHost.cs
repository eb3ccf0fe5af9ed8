using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler;
using ZkMl.Proofs;
using ZkMl.Proofs.Inference;

namespace ZkMl.Cli;

/// <summary>
/// Shared verb plumbing: the global --json/--quiet/--verbose options, one-line errors with exit
/// codes, progress on stderr, atomic output files.
/// </summary>
internal static class CliHost
{
    /// <summary>Exit code for a bad input (file, field, node) or a failed check.</summary>
    public const int ExitError = 1;

    /// <summary>Exit code for an unexpected internal error.</summary>
    public const int ExitInternal = 70;

    public static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object on stdout (for scripts); messages go to stderr", Recursive = true };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only results and errors", Recursive = true };
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print stack traces of errors and more detail", Recursive = true };

    /// <summary>Runs a verb body with the shared error handling; returns the exit code.</summary>
    public static int Run(ParseResult pr, string verb, Func<VerbContext, int> body)
    {
        var inv = pr.InvocationConfiguration;
        var ctx = new VerbContext(pr.GetValue(Json), pr.GetValue(Quiet), pr.GetValue(Verbose), inv.Output, inv.Error);
        try
        {
            return body(ctx);
        }
        catch (Exception e) when (e is ModelFormatException or CompileException or UserException or InferenceFormatException or SrsFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or ArgumentException)
        {
            string msg = e is ArgumentException ae && ae.ParamName is not null ? ae.Message.Split(" (Parameter '")[0] : e.Message;
            ctx.Error(verb, msg, e);
            return ExitError;
        }
        catch (Exception e)
        {
            ctx.Error(verb, $"internal error: {e.GetType().Name}: {e.Message}" + (ctx.Verbose ? "" : " (run with --verbose for the stack trace)"), e);
            return ExitInternal;
        }
    }

    /// <summary>Writes a file atomically: a temp file beside it, then a rename; no half-written outputs.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"cannot write {path}: {e.Message}");
        }
    }
}

/// <summary>Input and output files of the verbs: existence checks with a one-line hint, output folders.</summary>
internal static class CliFiles
{
    /// <summary>Throws a <see cref="UserException"/> naming <paramref name="path"/> and what it should be when it does not exist.</summary>
    public static string Require(string path, string expected)
    {
        if (Directory.Exists(path)) throw new UserException($"{path}: is a folder, expected {expected}");
        if (!File.Exists(path)) throw new UserException($"{path}: file not found (expected {expected})");
        return path;
    }

    /// <summary>Creates the folder that will hold <paramref name="file"/>, if missing.</summary>
    public static void EnsureParent(string file)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(file));
        if (dir is null) return;
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserException($"cannot create folder {dir}: {e.Message}"); }
    }

    /// <summary>A byte count for humans (B, KiB, MiB).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 10 * 1024 => $"{bytes:N0} B",
        < 10 * 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes / (1024.0 * 1024):F1} MiB",
    };
}

/// <summary>An error in the user's input that the verb detected itself (one line, exit 1).</summary>
internal sealed class UserException(string message) : Exception(message);

/// <summary>Per-invocation output state of a verb.</summary>
internal sealed class VerbContext
{
    /// <summary>
    /// Output state over <paramref name="stdout"/> and <paramref name="stderr"/>. A writer counts as a
    /// terminal only when it is the process console and that console is not redirected; any other
    /// writer (tests, captured output) gets plain text, no colors and no spinners.
    /// </summary>
    public VerbContext(bool json, bool quiet, bool verbose, TextWriter stdout, TextWriter stderr)
    {
        JsonMode = json;
        Quiet = quiet || json;
        Verbose = verbose;
        StdOut = stdout;
        StdErr = stderr;
        // Colors only on a terminal (and never with NO_COLOR): piped output stays plain text.
        bool noColor = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        OutIsTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        ErrIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = !OutIsTerminal || noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = !OutIsTerminal || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = OutIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        Err = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr),
            Ansi = !ErrIsTerminal || noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = !ErrIsTerminal || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = ErrIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!OutIsTerminal) Out.Profile.Width = 200;
        if (!ErrIsTerminal) Err.Profile.Width = 400;
    }

    /// <summary>The raw stdout writer (the --json object goes here).</summary>
    public TextWriter StdOut { get; }

    /// <summary>The raw stderr writer.</summary>
    public TextWriter StdErr { get; }

    /// <summary>stdout is an interactive terminal.</summary>
    public bool OutIsTerminal { get; }

    /// <summary>stderr is an interactive terminal (spinners are shown only then).</summary>
    public bool ErrIsTerminal { get; }

    /// <summary>Progress display is on: not --quiet/--json and stderr is a terminal.</summary>
    public bool ShowProgress => !Quiet && ErrIsTerminal;

    /// <summary>--json: one JSON object on stdout, nothing else there.</summary>
    public bool JsonMode { get; }

    /// <summary>--quiet (implied by --json).</summary>
    public bool Quiet { get; }

    /// <summary>--verbose.</summary>
    public bool Verbose { get; }

    /// <summary>Human output (stdout).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Messages and progress (stderr).</summary>
    public IAnsiConsole Err { get; }

    /// <summary>A note to the user on stderr (suppressed by --quiet/--json).</summary>
    public void Info(string message)
    {
        if (!Quiet) Err.MarkupLine(Markup.Escape(message));
    }

    /// <summary>A warning on stderr (shown unless --quiet).</summary>
    public void Warn(string message)
    {
        if (!Quiet) Err.MarkupLine("[yellow]warning:[/] " + Markup.Escape(message));
    }

    /// <summary>A security warning on stderr: shown even with --quiet and --json (stdout stays clean).</summary>
    public void Alert(string message)
    {
        Err.MarkupLine("[bold red]WARNING:[/] " + Markup.Escape(message));
    }

    /// <summary>One error line on stderr; the stack trace only with --verbose. With --json, also <c>{"error": …}</c> on stdout.</summary>
    public void Error(string verb, string message, Exception e)
    {
        StdErr.WriteLine($"zkml {verb}: error: {message}");
        if (Verbose) StdErr.WriteLine(e.ToString());
        if (JsonMode) WriteJson(new JsonObject { ["verb"] = verb, ["error"] = message });
    }

    /// <summary>Runs a step, with a spinner on stderr when interactive (not --quiet/--json, stderr a terminal).</summary>
    public T Step<T>(string title, Func<T> work)
    {
        var sw = Stopwatch.StartNew();
        T r;
        if (ShowProgress)
            r = Err.Status().Spinner(Spinner.Known.Dots).Start(title, _ => work());
        else
            r = work();
        if (Verbose && !JsonMode) Err.MarkupLine($"[grey]{Markup.Escape(title)}: {sw.Elapsed.TotalSeconds:F2} s[/]");
        return r;
    }

    /// <summary>
    /// Runs a proof with a spinner whose text follows the prover's stages
    /// (<see cref="ProverTimings.OnStageStart"/>); with --verbose each stage's time is printed after it.
    /// </summary>
    public (T Result, ProverTimings Timings) Prove<T>(string title, Func<ProverTimings, T> work)
    {
        if (!ShowProgress)
        {
            var quiet = new ProverTimings();
            var r0 = work(quiet);
            PrintStages(quiet);
            return (r0, quiet);
        }
        ProverTimings? timings = null;
        var r = Err.Status().Spinner(Spinner.Known.Dots).Start(title, status =>
        {
            timings = new ProverTimings { OnStageStart = stage => status.Status($"{title}: {stage}") };
            return work(timings);
        });
        PrintStages(timings!);
        return (r, timings!);
    }

    private void PrintStages(ProverTimings t)
    {
        if (!Verbose || JsonMode) return;
        foreach (var (stage, time) in t.Stages) Err.MarkupLine($"[grey]  {Markup.Escape(stage)}: {time.TotalSeconds:F3} s[/]");
    }

    /// <summary>Writes the --json result object.</summary>
    public void WriteJson(JsonObject result)
    {
        StdOut.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
