using System.Diagnostics;
using CsCheck;

namespace ZkMl.TestKit;

/// <summary>What a fuzz run did: cases tried, accepted (the mutation left a valid file), rejected with the
/// parser's typed error, and the crashes (any other exception, a case over the time bound or the memory bound).</summary>
public sealed record FuzzReport(string Parser, long Cases, long Accepted, long Rejected, IReadOnlyList<string> Crashes, TimeSpan Elapsed, long MaxCaseAllocated, TimeSpan MaxCaseTime)
{
    /// <summary>The most frequent rejection messages (digits folded to #), to see how deep the mutations reach.</summary>
    public IReadOnlyList<(string Reason, long Count)> TopReasons { get; init; } = [];

    /// <summary>The report and its top rejection reasons, one per line.</summary>
    public string Details() => ToString() + string.Concat(TopReasons.Select(r => $"\n  {r.Count,7} × {r.Reason}"));

    public override string ToString() =>
        $"fuzz {Parser}: {Cases} cases in {Elapsed.TotalSeconds:F1} s ({Accepted} accepted, {Rejected} rejected with the typed error, {Crashes.Count} crashes); " +
        $"slowest case {MaxCaseTime.TotalMilliseconds:F0} ms, largest allocation {MaxCaseAllocated / 1024} KiB";
}

/// <summary>
/// Drives a parser with CsCheck-generated inputs from a fixed seed: each case must end in the parser's
/// typed error (or a valid result), never another exception, a case slower than the time bound, a case
/// allocating more than the memory bound (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), or a hang
/// (a watchdog fails the run when one case exceeds the hang bound; the case thread is a background thread).
/// </summary>
/// <remarks>
/// CI: the fixed seed and a few hundred cases per parser. Exploration and the long run:
/// <c>ZKML_FUZZ_ITER</c> (cases per parser) and <c>ZKML_FUZZ_SEED</c> (root seed, decimal or 0x-hex);
/// <c>ZKML_CASE_SEED</c> (a case seed as a crash report prints it) runs that one case.
/// A crash is reported with its case seed, the input's description and CsCheck's shrunk input.
/// </remarks>
public static class FuzzRunner
{
    /// <summary>Cases per parser: <c>ZKML_FUZZ_ITER</c> if set, else <paramref name="ciDefault"/>.</summary>
    public static long Iterations(long ciDefault)
    {
        var s = Environment.GetEnvironmentVariable("ZKML_FUZZ_ITER");
        return long.TryParse(s, out long v) && v > 0 ? v : ciDefault;
    }

    /// <summary>With <c>ZKML_FUZZ_VERBOSE=1</c> the first 20 accepted cases of each parser are printed (what mutations leave a file valid).</summary>
    private static bool Verbose => Environment.GetEnvironmentVariable("ZKML_FUZZ_VERBOSE") == "1";

    /// <summary>Runs the fuzz loop and returns its report; the caller asserts there are no crashes.</summary>
    /// <param name="parser">Name for the report.</param>
    /// <param name="gen">Input generator (descriptions print through <paramref name="describe"/>).</param>
    /// <param name="parse">Parses one input; returns normally for a valid input.</param>
    /// <param name="isTyped">True for the parser's documented error type(s).</param>
    /// <param name="seed">The fixed CI seed (replaced by <c>ZKML_FUZZ_SEED</c>).</param>
    /// <param name="ciIterations">Cases without <c>ZKML_FUZZ_ITER</c>.</param>
    /// <param name="maxCaseTime">Per-case time bound (generous: the machine may be loaded).</param>
    /// <param name="maxCaseBytes">Per-case allocation bound.</param>
    public static FuzzReport Run<T>(string parser, Gen<T> gen, Action<T> parse, Func<Exception, bool> isTyped, ulong seed,
        long ciIterations, TimeSpan maxCaseTime, long maxCaseBytes, Func<T, string>? describe = null)
    {
        describe ??= v => Check.Print(v);
        long iter = Iterations(ciIterations);
        ulong root = Props.SeedOverride("ZKML_FUZZ_SEED") ?? seed;
        var crashes = new List<string>();
        long accepted = 0, rejected = 0, cases = 0, maxAlloc = 0;
        var maxTime = TimeSpan.Zero;
        var reasons = new Dictionary<string, long>();
        long caseStart = 0; // Stopwatch timestamp of the running case, 0 between cases
        string current = "";
        T? currentInput = default;
        var total = Stopwatch.StartNew();
        Exception? fatal = null;
        var worker = new Thread(() =>
        {
            try
            {
                var master = new PCG(1, root);
                string? only = Props.CaseSeed();
                if (only is not null) iter = 1;
                for (long i = 0; i < iter && crashes.Count < 5; i++)
                {
                    var pcg = only is not null ? PCG.Parse(only) : new PCG(master.Next(), master.Next64());
                    string caseSeed = pcg.ToString();
                    var input = gen.Generate(pcg, null, out _);
                    Volatile.Write(ref current, caseSeed);
                    currentInput = input;
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    Volatile.Write(ref caseStart, Stopwatch.GetTimestamp());
                    Exception? error = null;
                    try { parse(input); }
                    catch (Exception e) { error = e; }
                    var took = Stopwatch.GetElapsedTime(Volatile.Read(ref caseStart));
                    Volatile.Write(ref caseStart, 0);
                    long alloc = GC.GetAllocatedBytesForCurrentThread() - before;
                    cases++;
                    maxAlloc = Math.Max(maxAlloc, alloc);
                    if (took > maxTime) maxTime = took;
                    string? crash = null;
                    if (error is null)
                    {
                        if (++accepted <= 20 && Verbose) Console.WriteLine($"fuzz {parser}: accepted case {i}: {Trim(describe(input))}");
                    }
                    else if (isTyped(error))
                    {
                        rejected++;
                        string key = Reason(error.Message);
                        reasons[key] = reasons.GetValueOrDefault(key) + 1;
                    }
                    else crash = $"{error.GetType().Name}: {error.Message}\n{error.StackTrace}";
                    if (crash is null && took > maxCaseTime) crash = $"case took {took.TotalMilliseconds:F0} ms (bound {maxCaseTime.TotalMilliseconds:F0} ms)";
                    if (crash is null && alloc > maxCaseBytes) crash = $"case allocated {alloc / 1024} KiB (bound {maxCaseBytes / 1024} KiB)";
                    if (crash is not null)
                        crashes.Add($"case {i} (case seed {caseSeed}: ZKML_CASE_SEED={caseSeed} reruns it; root seed {root}): input {Trim(describe(input))}\n  {crash}\n  {Shrink(gen, parse, isTyped, caseSeed)}");
                }
            }
            catch (Exception e) { fatal = e; }
        }, 64 << 20) { IsBackground = true, Name = "fuzz " + parser };
        worker.Start();
        var hangBound = maxCaseTime * 5;
        while (!worker.Join(200))
        {
            long start = Volatile.Read(ref caseStart);
            if (start != 0 && Stopwatch.GetElapsedTime(start) > hangBound)
                return new FuzzReport(parser, cases, accepted, rejected,
                    [.. crashes, $"hang: case seed {Volatile.Read(ref current)} (ZKML_CASE_SEED reruns it) still running after {hangBound.TotalSeconds:F0} s: input {Trim(describe(currentInput!))}"], total.Elapsed, maxAlloc, maxTime);
        }
        if (fatal is not null) throw new InvalidOperationException($"fuzz {parser}: the generator failed", fatal);
        return new FuzzReport(parser, cases, accepted, rejected, crashes, total.Elapsed, maxAlloc, maxTime)
        {
            TopReasons = [.. reasons.OrderByDescending(kv => kv.Value).Take(8).Select(kv => (kv.Key, kv.Value))],
        };
    }

    private static string Reason(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Replace(message, "[0-9]+", "#");
        return m.Length <= 90 ? m : m[..90] + "…";
    }

    private static string Trim(string s) => s.Length <= 600 ? s : s[..600] + $"… ({s.Length} chars)";

    private static string Shrink<T>(Gen<T> gen, Action<T> parse, Func<Exception, bool> isTyped, string caseSeed)
    {
        try
        {
            gen.Sample(v => { try { parse(v); } catch (Exception e) when (isTyped(e)) { } }, seed: caseSeed, iter: 50, threads: 1);
            return "(CsCheck did not reproduce it: a time or memory bound, or state outside the input)";
        }
        catch (CsCheckException e) { return "CsCheck: " + Trim(e.Message); }
    }
}
