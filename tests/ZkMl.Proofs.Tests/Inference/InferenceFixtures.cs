using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs.Inference;

namespace ZkMl.Proofs.Tests.Inference;

/// <summary>Circuits, keys and proofs shared by the inference tests (made once per test run).</summary>
internal static class InferenceFixtures
{
    private static readonly Lazy<Srs> DevSrs = new(() => Srs.CreateInsecureDev((1 << 18) - 1, 7));

    /// <summary>An INSECURE development SRS with 2^18 powers (fixed seed).</summary>
    public static Srs Srs => DevSrs.Value;

    public static Network Tiny() => ModelLoader.Load(Path.Combine(TestKit.RepoPaths.Root, "circuits", "tiny", "model.json"));

    public static float[][] TinyInputs() => InputData.Load(Path.Combine(TestKit.RepoPaths.Root, "circuits", "tiny", "input.json"), 4);

    private static readonly Lazy<(Circuit, ProvingKey, VerifyingKey)> TinyKeys = new(() =>
    {
        var c = CircuitCompiler.Compile(Tiny(), TinyInputs());
        var (pk, vk) = InferenceSetup.Run(c, Srs, 64);
        return (c, pk, vk);
    });

    public static (Circuit Circuit, ProvingKey Pk, VerifyingKey Vk) TinySetup => TinyKeys.Value;

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

    public static float[][] Samples(int seed, int count, int n)
    {
        var rng = new Random(seed);
        var r = new float[count][];
        for (int s = 0; s < count; s++)
        {
            r[s] = new float[n];
            for (int i = 0; i < n; i++) r[s][i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return r;
    }
}
