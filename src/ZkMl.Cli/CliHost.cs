using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler;

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
        var ctx = new VerbContext(pr.GetValue(Json), pr.GetValue(Quiet), pr.GetValue(Verbose));
        try
        {
            return body(ctx);
        }
        catch (Exception e) when (e is ModelFormatException or CompileException or UserException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException or ArgumentException)
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

/// <summary>An error in the user's input that the verb detected itself (one line, exit 1).</summary>
internal sealed class UserException(string message) : Exception(message);

/// <summary>Per-invocation output state of a verb.</summary>
internal sealed class VerbContext
{
    public VerbContext(bool json, bool quiet, bool verbose)
    {
        JsonMode = json;
        Quiet = quiet || json;
        Verbose = verbose;
        // Colors only on a terminal (and never with NO_COLOR): piped output stays plain text.
        bool noColor = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        Out = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected || noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        Err = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Ansi = Console.IsErrorRedirected || noColor ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsErrorRedirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected) Out.Profile.Width = 200;
        if (Console.IsErrorRedirected) Err.Profile.Width = 400;
    }

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

    /// <summary>One error line on stderr; the stack trace only with --verbose.</summary>
    public void Error(string verb, string message, Exception e)
    {
        Console.Error.WriteLine($"zkml {verb}: error: {message}");
        if (Verbose) Console.Error.WriteLine(e.ToString());
    }

    /// <summary>Runs a step, with a spinner on stderr when interactive (not --quiet/--json, stderr a terminal).</summary>
    public T Step<T>(string title, Func<T> work)
    {
        var sw = Stopwatch.StartNew();
        T r;
        if (!Quiet && !Console.IsErrorRedirected)
            r = Err.Status().Spinner(Spinner.Known.Dots).Start(title, _ => work());
        else
            r = work();
        if (Verbose && !JsonMode) Err.MarkupLine($"[grey]{Markup.Escape(title)}: {sw.Elapsed.TotalSeconds:F2} s[/]");
        return r;
    }

    /// <summary>Writes the --json result object.</summary>
    public void WriteJson(JsonObject result)
    {
        Console.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
