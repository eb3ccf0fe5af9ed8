using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Fuzz.Tests;

/// <summary>
/// Valid files every fuzzer starts from, all made through the library's own writers (so a format change,
/// e.g. a new key version, changes the seeds with it): the tiny example's model JSON, input.json, its ONNX
/// export and compiled circuit, keys and a proof on a development SRS; two more generated networks; the
/// small ONNX models of ../shared when present.
/// </summary>
internal static class Seeds
{
    private static string Tiny(string file) => Path.Combine(RepoPaths.Root, "circuits", "tiny", file);

    public static readonly string TinyModelJson = File.ReadAllText(Tiny("model.json"));
    public static readonly string TinyInputJson = File.ReadAllText(Tiny("input.json"));
    public static readonly Network TinyNetwork = ModelJson.Parse(TinyModelJson, "tiny/model.json");
    public static readonly float[][] TinyInputs = InputData.Parse(TinyInputJson, TinyNetwork.InputSize, "tiny/input.json");

    private static readonly Network Generated = TestNetworks.Random(7, [6, 5, 3], [Activation.Relu, Activation.Sigmoid]);

    /// <summary>Model JSON seeds: the tiny example and a generated 6→5→3 network.</summary>
    public static readonly string[] ModelJsons = [TinyModelJson, ModelJson.Serialize(Generated)];

    /// <summary>input.json seeds: the tiny example's and a generated one (4 rows of 6).</summary>
    public static readonly string[] InputJsons = [TinyInputJson, InputData.Serialize(TestNetworks.Samples(8, 4, 6))];

    /// <summary>ONNX seeds: the exports of both networks, plus those of ../shared's small ezkl models the importer accepts, when present.</summary>
    public static readonly byte[][] Onnx = BuildOnnx();

    private static byte[][] BuildOnnx()
    {
        var list = new List<byte[]> { OnnxExporter.Export(TinyNetwork), OnnxExporter.Export(Generated) };
        var shared = RepoPaths.Shared is { } s ? Path.Combine(s, "models", "ezkl") : null;
        if (shared is not null && Directory.Exists(shared))
            foreach (var name in new[] { "1l_mlp", "2l_relu_sigmoid_small", "2l_relu_small", "2l_relu_fc", "1l_flatten", "1l_softmax", "1l_reshape", "1l_linear" })
            {
                var p = Path.Combine(shared, name, "network.onnx");
                if (!File.Exists(p) || new FileInfo(p).Length >= 64 * 1024) continue;
                var bytes = File.ReadAllBytes(p);
                try { OnnxImporter.Import(bytes, p); list.Add(bytes); }
                catch (ModelFormatException) { } // a model the importer refuses is no valid seed
                catch (CompileException) { }
            }
        return [.. list];
    }

    public static readonly Circuit TinyCircuit = CircuitCompiler.Compile(TinyNetwork, TinyInputs);

    /// <summary>The tiny network as a zero-knowledge circuit with range-checked private inputs (.zkc version 3).</summary>
    public static readonly Circuit TinyZkCircuit = CircuitCompiler.Compile(TinyNetwork, TinyInputs, new CompileOptions { Zk = ZkSettings.PrivateInputs() });

    /// <summary>.zkc seeds: the tiny circuit, the generated network's, and the tiny ZK circuit (version 3).</summary>
    public static readonly byte[][] Zkc =
        [CircuitFile.ToBytes(TinyCircuit), CircuitFile.ToBytes(CircuitCompiler.Compile(Generated, TestNetworks.Samples(9, 8, 6))), CircuitFile.ToBytes(TinyZkCircuit)];

    public const int MaxBatch = 4;

    private static readonly Lazy<(ProvingKey Pk, VerifyingKey Vk, InferenceProof Proof)> KeysLazy = new(() =>
    {
        var srs = Srs.CreateInsecureDev((int)InferenceSetup.RequiredPowers(TinyCircuit, MaxBatch) - 1, seed: 11);
        var (pk, vk) = InferenceSetup.Run(TinyCircuit, srs, MaxBatch);
        var proof = InferenceProver.Prove(pk, TinyInputs.Take(3).ToArray());
        return (pk, vk, proof);
    });

    private static readonly Lazy<ZkSetup> ZkKeysLazy = new(() =>
        InferenceSetup.RunZk(TinyZkCircuit, Srs.CreateInsecureDev((int)InferenceSetup.RequiredPowers(TinyZkCircuit, MaxBatch) - 1, seed: 12), MaxBatch));

    /// <summary>Zero-knowledge keys of <see cref="TinyZkCircuit"/> (version 6) and their model.secret.</summary>
    public static ZkSetup Zk => ZkKeysLazy.Value;

    public static ProvingKey Pk => KeysLazy.Value.Pk;
    public static VerifyingKey Vk => KeysLazy.Value.Vk;
    public static InferenceProof Proof => KeysLazy.Value.Proof;
}
