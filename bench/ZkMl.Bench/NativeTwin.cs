using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// ZkMl's side of issue 19's two mcl rows, measured exactly as bench/mcl/mcl_twin.cpp measures native mcl:
/// <c>dotnet ZkMl.Bench.dll twin [--log-n 18] [--reps 5] [--chains 400] [--chain-length 20000] [--threads 2] [--check-log-n 12]</c>.
/// Prints one JSON object of the same shape: the per-product latency of a dependent chain of <see cref="Fr"/> products
/// (minimum and median over the chains; <c>frMulChainManaged</c> adds the same chain through the C# product where
/// <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/> runs <see cref="MontgomeryX64"/>'s machine code), <see cref="Msm.Compute(ReadOnlySpan{G1Affine}, ReadOnlySpan{Fr}, int?)"/> over
/// 2^logN random bases and full random scalars on one thread and on --threads threads (minimum and median of --reps runs
/// after one warm-up), and the affine result of the fixed check MSM (bases (1 + 3i)·G, scalars t^(i+1), t = 2^250 + 12345)
/// that bench/mcl/run.sh compares with mcl's.
/// </summary>
internal static class NativeTwin
{
    public static int Run(string[] args)
    {
        int logN = IntArg(args, "--log-n", 18, 1, 24);
        int reps = IntArg(args, "--reps", 5, 1, 1000);
        int chains = IntArg(args, "--chains", 400, 1, 100000);
        int chainLength = IntArg(args, "--chain-length", 20000, 1, 100000000);
        int threads = IntArg(args, "--threads", 2, 1, 256);
        int checkLogN = IntArg(args, "--check-log-n", 12, 1, 20);

        var rng = new Random(5);
        Fr a = Fr.Random(rng), b = Fr.Random(rng);
        var perProduct = new double[chains];
        var perManaged = new double[chains];
        bool sink = false;
        for (int c = 0; c < chains; c++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var x = Chain(a, b, chainLength);
            perProduct[c] = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / chainLength;
            t0 = Stopwatch.GetTimestamp();
            var y = ChainManaged(a, b, chainLength);
            perManaged[c] = Stopwatch.GetElapsedTime(t0).TotalNanoseconds / chainLength;
            if (x != y) throw new InvalidOperationException("the machine-code and C# products disagree");
            sink ^= x.IsZero;
        }

        int n = 1 << logN;
        var bases = BenchData.Points(Fr.Random(rng), n);
        var scalars = BenchData.Scalars(rng, n);
        var one = TimeMsm(bases, scalars, 1, reps, ref sink);
        var many = TimeMsm(bases, scalars, threads, reps, ref sink);

        int cn = 1 << checkLogN;
        var t = Fr.FromBigInteger(BigInteger.Pow(2, 250) + 12345);
        var checkBases = BenchData.Points(Fr.FromUInt64(3), cn);
        var checkScalars = new Fr[cn];
        var power = t;
        for (int i = 0; i < cn; i++) { checkScalars[i] = power; power *= t; }
        var check = Msm.Compute(checkBases, checkScalars, 1).ToAffine();

        var report = new
        {
            impl = "zkml",
            frMulChain = new { chains, length = chainLength, minNs = Math.Round(perProduct.Min(), 3), medianNs = Math.Round(Median(perProduct), 3) },
            product = FieldProduct.Description,
            frMulChainManaged = new { minNs = Math.Round(perManaged.Min(), 3), medianNs = Math.Round(Median(perManaged), 3) },
            msm = new
            {
                logN, reps,
                oneThread = new { minMs = Math.Round(one.Min(), 1), medianMs = Math.Round(Median(one), 1) },
                threads,
                allThreads = new { minMs = Math.Round(many.Min(), 1), medianMs = Math.Round(Median(many), 1) },
            },
            check = new { logN = checkLogN, x = check.X.ToBigInteger().ToString(), y = check.Y.ToBigInteger().ToString() },
            sink = sink ? 1 : 0,
        };
        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }

    // Each product depends on the previous one; a method of its own so that it is compiled (and tiered up) by itself.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Fr Chain(Fr a, Fr b, int length)
    {
        var x = a;
        for (int i = 0; i < length; i++) Fr.Mul(x, b, out x);
        return x;
    }

    // The same chain through the C# product (the portable path), for the record.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Fr ChainManaged(Fr a, Fr b, int length)
    {
        var x = a;
        for (int i = 0; i < length; i++) Fr.MulManaged(x, b, out x);
        return x;
    }

    private static double[] TimeMsm(G1Affine[] bases, Fr[] scalars, int threads, int reps, ref bool sink)
    {
        sink ^= Msm.Compute(bases, scalars, threads).IsInfinity; // warm-up
        var ms = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sink ^= Msm.Compute(bases, scalars, threads).IsInfinity;
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        return ms;
    }

    // The upper median, as the C++ side (v[n / 2] of the sorted values).
    private static double Median(double[] v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }

    private static int IntArg(string[] args, string name, int fallback, int lo, int hi)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        int v = 0;
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], out v) || v < lo || v > hi)
        {
            Console.Error.WriteLine($"twin: {name} expects an integer in [{lo}, {hi}], got '{(i + 1 < args.Length ? args[i + 1] : "")}'");
            Environment.Exit(2);
        }
        return v;
    }
}
