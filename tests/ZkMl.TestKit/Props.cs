using CsCheck;

namespace ZkMl.TestKit;

/// <summary>
/// Reproducible CsCheck property runs: <paramref name="iter"/> cases from a fixed seed (so a CI run is the
/// same every time), each case generated from its own PCG seed; a failing case is reported with that seed and
/// handed to CsCheck's <c>Check.Sample</c>, which shrinks it (smaller sizes found by random search) and
/// reports the smallest failing input it found.
/// </summary>
/// <remarks>
/// Exploration: <c>ZKML_PROP_SEED</c> (a decimal or 0x-hex 64-bit value) replaces every property's fixed seed;
/// <c>ZKML_CASE_SEED</c> (a case seed as a failure prints it) reruns that single case.
/// </remarks>
public static class Props
{
    /// <summary>The seed override from <c>ZKML_PROP_SEED</c>, or null.</summary>
    public static ulong? SeedOverride(string variable = "ZKML_PROP_SEED")
    {
        var s = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(s)) return null;
        s = s.Trim();
        return s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? Convert.ToUInt64(s[2..], 16)
            : ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The single case to rerun, from <c>ZKML_CASE_SEED</c>, or null.</summary>
    public static string? CaseSeed() => Environment.GetEnvironmentVariable("ZKML_CASE_SEED") is { Length: > 0 } s ? s.Trim() : null;

    /// <summary>Runs <paramref name="assert"/> on <paramref name="iter"/> values of <paramref name="gen"/>
    /// drawn from <paramref name="seed"/>; throws with the case seed and CsCheck's shrunk input on the first failure.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> assert, ulong seed, long iter, int shrinkIter = 100)
    {
        if (CaseSeed() is { } only)
        {
            assert(gen.Generate(PCG.Parse(only), null, out _));
            return;
        }
        var master = new PCG(1, SeedOverride() ?? seed);
        for (long i = 0; i < iter; i++)
        {
            var pcg = new PCG(master.Next(), master.Next64());
            string caseSeed = pcg.ToString();
            var value = gen.Generate(pcg, null, out _);
            try { assert(value); }
            catch (Exception e)
            {
                string shrunk = Shrink(gen, assert, caseSeed, shrinkIter);
                throw new PropertyFailedException(
                    $"property failed on case {i} of {iter} (root seed {SeedOverride() ?? seed}, case seed {caseSeed}: rerun it alone with ZKML_CASE_SEED={caseSeed}): {e.Message}\n{shrunk}", e);
            }
        }
    }

    /// <summary><see cref="Check{T}(Gen{T}, Action{T}, ulong, long, int)"/> for a property returning false on failure.</summary>
    public static void Check<T>(Gen<T> gen, Func<T, bool> property, ulong seed, long iter, int shrinkIter = 100) =>
        Check(gen, v => { if (!property(v)) throw new PropertyFailedException($"property returned false for {CsCheck.Check.Print(v)}"); }, seed, iter, shrinkIter);

    private static string Shrink<T>(Gen<T> gen, Action<T> assert, string caseSeed, int shrinkIter)
    {
        if (shrinkIter <= 0) return "(not shrunk)";
        try
        {
            gen.Sample(assert, seed: caseSeed, iter: shrinkIter, threads: 1);
            return "CsCheck could not reproduce the failure from the case seed (the property depends on state outside its input)";
        }
        catch (CsCheckException e) { return "CsCheck shrink: " + e.Message; }
    }
}

/// <summary>A property run found a counterexample.</summary>
public sealed class PropertyFailedException : Exception
{
    public PropertyFailedException(string message) : base(message) { }
    public PropertyFailedException(string message, Exception inner) : base(message, inner) { }
}
