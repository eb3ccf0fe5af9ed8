using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler;
using ZkMl.Proofs;
using ZkMl.Inference;

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
        catch (Exception e) when (e is ModelFormatException or CompileException or UserException or InferenceFormatException or SrsFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or ArgumentException or NotSupportedException)
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

    /// <summary>
    /// Reports the first parse error of <paramref name="pr"/> (unknown option, bad number, missing argument)
    /// as one error line, and with --json as one <c>{"verb", "error"}</c> object on stdout; returns <see cref="ExitError"/>.
    /// </summary>
    public static int UsageError(ParseResult pr, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var command = pr.CommandResult.Command;
        string verb = command.Name;
        bool json = args.Contains("--json");
        // From the tokens: the options' values may be what failed to parse.
        bool quiet = json || args.Contains("--quiet") || args.Contains("-q");
        var ctx = new VerbContext(json, quiet, false, stdout, stderr);
        string message = string.Join("; ", pr.Errors.Select(e => UsageMessage(e.Message)).Distinct());
        bool root = command is RootCommand;
        ctx.Error(root ? "" : verb, message + $"; see zkml {(root ? "" : verb + " ")}--help", null);
        return ExitError;
    }

    /// <summary>System.CommandLine's parse messages in the wording of the other errors.</summary>
    internal static string UsageMessage(string m)
    {
        var bad = System.Text.RegularExpressions.Regex.Match(m, @"^Cannot parse argument '(.*)' for (?:option|command|argument) '(.*)' as expected type '(.*)'\.?$");
        if (bad.Success)
        {
            string what = bad.Groups[3].Value switch
            {
                "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "an integer",
                "System.Double" or "System.Single" => "a number",
                "System.Boolean" => "true or false",
                _ => "a value of type " + bad.Groups[3].Value,
            };
            return $"{bad.Groups[2].Value} {bad.Groups[1].Value}: expected {what}";
        }
        var unknown = System.Text.RegularExpressions.Regex.Match(m, @"^Unrecognized command or argument '(.*)'\.?$");
        if (unknown.Success) return $"unknown option or argument '{unknown.Groups[1].Value}'";
        var required = System.Text.RegularExpressions.Regex.Match(m, @"^Option '(.*)' is required\.?$");
        if (required.Success) return $"missing option {required.Groups[1].Value}";
        var noValue = System.Text.RegularExpressions.Regex.Match(m, @"^Required argument missing for option: '(.*)'\.?$");
        if (noValue.Success) return $"{noValue.Groups[1].Value}: missing its value";
        var noArg = System.Text.RegularExpressions.Regex.Match(m, @"^Required argument '(.*)' missing for command: '(.*)'\.?$");
        if (noArg.Success) return $"missing argument {noArg.Groups[1].Value}";
        return m.TrimEnd('.');
    }

    /// <summary>Writes a file atomically: a temp file beside it, then a rename; no half-written outputs.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, secret: false);

    /// <summary>As <see cref="WriteAtomic"/> for a secret file: mode 0600 on Unix (model.secret, input.opening, a ZK pk.bin).</summary>
    public static void WriteSecret(string path, ReadOnlySpan<byte> bytes) => Write(path, bytes, secret: true);

    private static void Write(string path, ReadOnlySpan<byte> bytes, bool secret)
    {
        try
        {
            if (secret) ZkMl.Algebra.IO.AtomicFile.WriteSecret(path, bytes);
            else ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, bytes);
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
    /// <summary>Throws a <see cref="UserException"/> naming <paramref name="path"/> and what it should be when it does not exist or is not a regular file.</summary>
    public static string Require(string path, string expected)
    {
        InputFiles.RequireRegular(path, expected);
        return path;
    }

    /// <summary>The checks of <see cref="InputFiles.Require"/>: a regular file within the size limit of <paramref name="kind"/>, not a ZkMl file of another kind.</summary>
    public static string Require(string path, FileKind kind) => InputFiles.Require(path, kind);

    /// <summary>
    /// Refuses an output path that is one of the verb's input files (after folders and symbolic links
    /// are resolved): writing it would destroy the input before, or while, it is used.
    /// </summary>
    /// <exception cref="UserException">The output names an input.</exception>
    public static void RefuseOverwrite(string output, string outputOption, params (string Option, string? Path)[] inputs)
    {
        string o = Canonical(output);
        foreach (var (option, path) in inputs)
        {
            if (path is null) continue;
            if (string.Equals(o, Canonical(path), OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
                throw new UserException($"{outputOption} {output}: is the {option} file; writing it would destroy the input (choose another output)");
        }
    }

    private static string Canonical(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target) full = target.FullName;
            string? dir = Path.GetDirectoryName(full);
            if (dir is not null && Directory.Exists(dir) && Directory.ResolveLinkTarget(dir, returnFinalTarget: true) is { } d)
                full = Path.Combine(d.FullName, Path.GetFileName(full));
        }
        catch (IOException) { }
        return full;
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
        if (!Quiet) Err.MarkupLine(Markup.Escape(CliText.Printable(message)));
    }

    /// <summary>A warning on stderr (shown unless --quiet).</summary>
    public void Warn(string message)
    {
        if (!Quiet) Err.MarkupLine("[yellow]warning:[/] " + Markup.Escape(CliText.Printable(message)));
    }

    /// <summary>A security warning on stderr: shown even with --quiet and --json (stdout stays clean).</summary>
    public void Alert(string message)
    {
        Err.MarkupLine("[bold red]WARNING:[/] " + Markup.Escape(CliText.Printable(message)));
    }

    /// <summary>One error line on stderr; the stack trace only with --verbose. With --json, also <c>{"error": …}</c> on stdout.</summary>
    public void Error(string verb, string message, Exception? e)
    {
        message = CliText.Printable(message);
        StdErr.WriteLine($"zkml{(verb.Length > 0 ? " " + verb : "")}: error: {message}");
        if (Verbose && e is not null) StdErr.WriteLine(e.ToString());
        if (JsonMode) WriteJson(new JsonObject { ["verb"] = verb.Length > 0 ? verb : null, ["error"] = message });
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
