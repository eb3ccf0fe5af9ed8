using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// The generator refuses the zero-knowledge keys it has no verifier for with a clear reason (instead of a contract that would
/// reject all of their proofs); ZK keys with public inputs, and with private inputs (the input range check on or off), get
/// the generated ZK verifier (ZkVerifierContractTests, ZkRangeCheckContractTests).
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
    public void Unsupported_zero_knowledge_keys_are_refused_with_the_reason_and_supported_ones_are_not()
    {
        var pub = ZkKey(ZkSettings.PublicInputs);
        Assert.Null(SolidityVerifierGenerator.ZkRefusal(pub));
        var source = SolidityVerifierGenerator.Generate(pub);
        Assert.Contains(Protocol.ZkDomain, source);

        // private inputs with the input range check on (the compile default) and off: both generated; only the first has W3
        // and the LogUp's input side (ZkRangeCheckContractTests runs them on anvil)
        var priv = ZkKey(ZkSettings.PrivateInputs());
        Assert.True(priv.Zk.InputRangeCheck);
        Assert.Null(SolidityVerifierGenerator.ZkRefusal(priv));
        var withCheck = SolidityVerifierGenerator.Generate(priv);
        Assert.Contains("C_X", withCheck);
        Assert.Contains("zkLogUpIn(", withCheck);
        Assert.Contains(VerifierTemplates.Literal(Protocol.ZkLabels.W3), withCheck);
        var off = ZkKey(ZkSettings.PrivateInputs(rangeCheck: false));
        Assert.Null(SolidityVerifierGenerator.ZkRefusal(off));
        var without = SolidityVerifierGenerator.Generate(off);
        Assert.Contains("C_X", without);
        Assert.DoesNotContain("zkLogUpIn(", without);
        Assert.DoesNotContain(VerifierTemplates.Literal(Protocol.ZkLabels.W3), without);

        Assert.Null(SolidityVerifierGenerator.ZkRefusal(ExampleCircuits.Tiny.Vk));
    }

    [Fact]
    public void The_NatSpec_names_the_statement_of_the_key()
    {
        const string Doc = "/// @param publicInputs the packed statement: ";
        Assert.Contains(Doc + "u256(B) ‖ X ‖ Y ‖ zero padding,", SolidityVerifierGenerator.Generate(ExampleCircuits.Tiny.Vk));
        Assert.Contains(Doc + "u256(B) ‖ X ‖ Y ‖ zero padding,", SolidityVerifierGenerator.Generate(ZkKey(ZkSettings.PublicInputs)));
        var off = SolidityVerifierGenerator.Generate(ZkKey(ZkSettings.PrivateInputs(rangeCheck: false)));
        Assert.Contains(Doc + "u256(B) ‖ C_X.x ‖ C_X.y (the inputs' commitment) ‖ Y ‖ zero padding,", off);
        Assert.DoesNotContain("‖ X ‖", off);
    }
}
