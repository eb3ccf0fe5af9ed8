using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>Scalar twin vs AVX2 path of the int32 small-matrix kernels on a 256 × 256 matrix (2^16 entries).</summary>
public class SmallMatVecInt32Benchmarks
{
    private const int N = 256;
    private Fr[] _v = [], _out = [];
    private int[] _m = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(4);
        _m = Enumerable.Range(0, N * N).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        _v = BenchData.Scalars(rng, N);
        _out = new Fr[N];
    }

    [Benchmark] public void Scalar() => FrVector.SmallMatVecScalar(_m, N, N, _v, _out);
    [Benchmark] public void Avx2() => FrVector.SmallMatVecAvx2(_m, N, N, _v, _out);
    [Benchmark] public void TransposedScalar() => FrVector.SmallMatVecTransposedScalar(_m, N, N, _v, _out);
    [Benchmark] public void TransposedAvx2() => FrVector.SmallMatVecTransposedAvx2(_m, N, N, _v, _out);
}
