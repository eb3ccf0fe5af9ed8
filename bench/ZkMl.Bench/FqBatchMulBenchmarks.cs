using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// Throughput of independent Fq products c[i] = a[i]·b[i] over arrays of 2^12 … 2^16 elements: the eight-lane AVX-512F (or, without it, AVX2)
/// kernel (<see cref="FqBatch.Mul"/>) against its scalar twin (one <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/> per element,
/// the baseline).
/// Times are per whole array (divide by 2^LogN for one product).
/// </summary>
public class FqBatchMulBenchmarks
{
    [Params(12, 14, 16)]
    public int LogN { get; set; }

    private Fq[] _a = [], _b = [], _c = [];

    [GlobalSetup]
    public void Setup()
    {
        int n = 1 << LogN;
        var rng = new Random(5);
        _a = Enumerable.Range(0, n).Select(_ => Fq.Random(rng)).ToArray();
        _b = Enumerable.Range(0, n).Select(_ => Fq.Random(rng)).ToArray();
        _c = new Fq[n];
    }

    [Benchmark(Baseline = true)]
    public void Scalar() => FqBatch.MulScalar(_a, _b, _c);

    [Benchmark]
    public void Vector8() => FqBatch.Mul(_a, _b, _c);
}
