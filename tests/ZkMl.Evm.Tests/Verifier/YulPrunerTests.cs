using ZkMl.Evm.Verifier;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// <see cref="YulPruner"/>: keeps what the roots reach (through calls in any function kept), drops the rest with the comment
/// lines right above each dropped function, and refuses unknown roots and unclosed functions.
/// </summary>
public class YulPrunerTests
{
    private const string Text = """
            // a: calls b
            function a(x) -> y {
                y := b(x) // c(x) in a comment is no call
            }

            // b: one line
            function b(x) -> y { y := add(x, 1) }

            // c: calls d
            // (two comment lines)
            function c(x) -> y {
                y := d(x)
            }

            function d(x) -> y { y := mul(x, 2) }

            function e() {
                let z := a(1)
            }
""";

    [Fact]
    public void KeepsWhatTheRootsReachAndDropsTheRestWithItsComments()
    {
        var kept = YulPruner.Keep(Text, "a");
        Assert.Contains("function a(x)", kept);
        Assert.Contains("function b(x)", kept);
        Assert.Contains("// b: one line", kept);
        Assert.DoesNotContain("function c(", kept);
        Assert.DoesNotContain("(two comment lines)", kept);
        Assert.DoesNotContain("function d(", kept);
        Assert.DoesNotContain("function e(", kept);
        Assert.DoesNotContain("\n\n\n", kept);

        var all = YulPruner.Keep(Text, "e", "c");
        foreach (var f in new[] { "a", "b", "c", "d", "e" }) Assert.Contains($"function {f}(", all);
    }

    [Fact]
    public void RefusesAnUnknownRootAndAnUnclosedFunction()
    {
        Assert.Contains("nosuch", Assert.Throws<InvalidOperationException>(() => YulPruner.Keep(Text, "nosuch")).Message);
        var open = "            function f(x) -> y {\n                y := x\n";
        Assert.Contains("not closed", Assert.Throws<InvalidOperationException>(() => YulPruner.Keep(open, "f")).Message);
    }

    [Fact]
    public void EachContractOfAConvVerifierHasOnlyItsOwnEntry()
    {
        var net = ZkMl.TestKit.ConvNetworks.Build("max");
        var circuit = ZkMl.Compiler.Quantization.CircuitCompiler.Compile(net, ZkMl.TestKit.TestNetworks.Samples(3, 16, net.InputSize));
        var (_, vk) = ZkMl.Inference.InferenceSetup.Run(circuit, ExampleCircuits.Srs, 1);
        var source = SolidityVerifierGenerator.Generate(vk, "V");
        int split = source.IndexOf("contract V {", StringComparison.Ordinal);
        Assert.True(split > 0);
        string first = source[..split], second = source[split..];
        Assert.Contains("contract VFirstPart {", first);
        Assert.Contains("function verifyFirstPart(pf, pfLen, pi, piWords, layouts) {", first);
        Assert.DoesNotContain("function verify(", first);
        Assert.DoesNotContain("function batchOpen(", first);   // the opening runs in the second contract only
        Assert.Contains("function verify(part, partSelector", second);
        Assert.Contains("function batchOpen(", second);
        Assert.DoesNotContain("function verifyFirstPart(pf", second);
        Assert.DoesNotContain("function logUp(", second);      // the lookups ran in the first
    }
}
