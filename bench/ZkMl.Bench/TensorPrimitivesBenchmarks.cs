using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace ZkMl.Bench;

/// <summary>
/// The row update z += a·w of the executors (one input value times one weight row, N outputs): a plain loop
/// against <see cref="TensorPrimitives.MultiplyAdd{T}(ReadOnlySpan{T}, T, ReadOnlySpan{T}, Span{T})"/>,
/// for the float executor (float32) and the integer executor (int64). N = 10 and 128 are MNIST's output and
/// hidden widths; each benchmark does 784 row updates (one MNIST input row).
/// </summary>
public class TensorPrimitivesBenchmarks
{
    private const int Rows = 784;

    [Params(10, 32, 64, 128, 1024)]
    public int N { get; set; }

    private float[] _wf = [], _zf = [], _af = [];
    private long[] _wl = [], _zl = [], _al = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(6);
        _wf = Enumerable.Range(0, Rows * N).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        _af = Enumerable.Range(0, Rows).Select(_ => (float)rng.NextDouble()).ToArray();
        _wl = Enumerable.Range(0, Rows * N).Select(_ => (long)rng.Next(-127, 128)).ToArray();
        _al = Enumerable.Range(0, Rows).Select(_ => (long)rng.Next(-127, 128)).ToArray();
        _zf = new float[N];
        _zl = new long[N];
    }

    [Benchmark]
    public float FloatLoop()
    {
        var z = _zf;
        Array.Clear(z);
        for (int i = 0; i < Rows; i++)
        {
            float a = _af[i];
            var row = _wf.AsSpan(i * N, N);
            for (int j = 0; j < row.Length; j++) z[j] += a * row[j];
        }
        return z[0];
    }

    [Benchmark]
    public float FloatTensorPrimitives()
    {
        var z = _zf;
        Array.Clear(z);
        for (int i = 0; i < Rows; i++) TensorPrimitives.MultiplyAdd(_wf.AsSpan(i * N, N), _af[i], z, z);
        return z[0];
    }

    [Benchmark(Baseline = true)]
    public long Int64Loop()
    {
        var z = _zl;
        Array.Clear(z);
        for (int i = 0; i < Rows; i++)
        {
            long a = _al[i];
            var row = _wl.AsSpan(i * N, N);
            for (int j = 0; j < row.Length; j++) z[j] += a * row[j];
        }
        return z[0];
    }

    [Benchmark]
    public long Int64TensorPrimitives()
    {
        var z = _zl;
        Array.Clear(z);
        for (int i = 0; i < Rows; i++) TensorPrimitives.MultiplyAdd<long>(_wl.AsSpan(i * N, N), _al[i], z, z);
        return z[0];
    }
}
