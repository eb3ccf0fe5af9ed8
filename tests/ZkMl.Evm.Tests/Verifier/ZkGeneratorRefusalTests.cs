using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The generator makes default-mode verifiers only (the ZK main part is docs/zk-design.md §11 step 11): a zero-knowledge
/// key gets a clear refusal instead of a contract that would reject all of its proofs.
/// </summary>
public class ZkGeneratorRefusalTests
{
    private static VerifyingKey ZkKey(ZkSettings zk)
    {
        string dir = Path.Combine(RepoPaths.Root, "circuits", "tiny");
        var net = ModelLoader.Load(Path.Combine(dir, "model.json"));
        var samples = InputData.Load(Path.Combine(dir, "input.json"), net.InputSize);
        var c = CircuitCompiler.Compile(net, samples, new CompileOptions { Zk = zk });
        return InferenceSetup.RunZk(c, ExampleCircuits.Srs, 2).VerifyingKey;
    }

    [Fact]
    public void Zero_knowledge_keys_are_refused_with_the_reason_and_default_keys_are_not()
    {
        var pub = ZkKey(ZkSettings.PublicInputs);
        var ex = Assert.Throws<NotSupportedException>(() => SolidityVerifierGenerator.Generate(pub));
        Assert.Contains("zero-knowledge verifying key", ex.Message);
        Assert.Contains("not yet implemented", ex.Message);
        Assert.Equal(ex.Message, SolidityVerifierGenerator.ZkRefusal(pub));

        var priv = ZkKey(ZkSettings.PrivateInputs());
        ex = Assert.Throws<NotSupportedException>(() => SolidityVerifierGenerator.Generate(priv));
        Assert.Contains("not yet implemented: the input range check on chain", ex.Message); // the default for private inputs: the check on

        Assert.Null(SolidityVerifierGenerator.ZkRefusal(ExampleCircuits.Tiny.Vk));
    }
}
