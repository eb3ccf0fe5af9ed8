using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Tests;

internal static class TestNets
{
    public static Network Random(Random rng, int[] sizes, Activation[] acts, float weightScale = 1f)
    {
        var layers = new List<DenseLayer>();
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            int n = sizes[l], m = sizes[l + 1];
            var w = new float[n * m];
            var b = new float[m];
            for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 2 - 1) * weightScale;
            for (int j = 0; j < m; j++) b[j] = (float)(rng.NextDouble() * 2 - 1) * 0.2f * weightScale;
            layers.Add(new DenseLayer(n, m, w, b, acts[l]));
        }
        return new Network(layers, "random");
    }

    public static float[][] Samples(Random rng, int count, int n, float range = 1f)
    {
        var r = new float[count][];
        for (int s = 0; s < count; s++)
        {
            r[s] = new float[n];
            for (int i = 0; i < n; i++) r[s][i] = (float)(rng.NextDouble() * 2 - 1) * range;
        }
        return r;
    }

    public static Network Tiny() => ModelJson.Load(Path.Combine(ZkMl.TestKit.RepoPaths.Root, "circuits", "tiny", "model.json"));

    public static float[][] TinyInputs() => InputData.Load(Path.Combine(ZkMl.TestKit.RepoPaths.Root, "circuits", "tiny", "input.json"), 4);
}
