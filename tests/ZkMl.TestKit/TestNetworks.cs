using ZkMl.Compiler.Model;

namespace ZkMl.TestKit;

/// <summary>Seeded random dense networks and inputs for the proof and verifier tests.</summary>
public static class TestNetworks
{
    /// <summary>A chain of dense layers of the given sizes, weights uniform in [−1, 1], biases in [−0.2, 0.2].</summary>
    public static Network Random(int seed, int[] sizes, Activation[] acts)
    {
        var rng = new Random(seed);
        var layers = new List<DenseLayer>();
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            int n = sizes[l], m = sizes[l + 1];
            var w = new float[n * m];
            var b = new float[m];
            for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 2 - 1);
            for (int j = 0; j < m; j++) b[j] = (float)(rng.NextDouble() * 2 - 1) * 0.2f;
            layers.Add(new DenseLayer(n, m, w, b, acts[l]));
        }
        return new Network(layers, "random");
    }

    /// <summary><paramref name="count"/> samples of <paramref name="n"/> values uniform in [−1, 1].</summary>
    public static float[][] Samples(int seed, int count, int n)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }
}
