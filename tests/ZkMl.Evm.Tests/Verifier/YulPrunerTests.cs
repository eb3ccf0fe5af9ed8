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
        var unbalanced = "            function f(x) -> y {\n                if x { y := x\n            }\n";
        Assert.Contains("not closed", Assert.Throws<InvalidOperationException>(() => YulPruner.Keep(unbalanced, "f")).Message);
    }

    [Fact]
    public void AFunctionWhoseClosingBraceCarriesACommentEndsThereAndNoCheckAfterItIsDropped()
    {
        // Before brace counting, an unreached function ran to the next line of exactly 12 spaces and '}': here the end of
        // the if block, so the check between them vanished and the text still compiled (the verifier would accept).
        const string text = """
            function unused() {
                pop(0)
            } // unused
            let ok := check()
            if iszero(ok) {
                revert(0, 0)
            }
            function check() -> ok { ok := 1 }
            function root() { }
""";
        var kept = YulPruner.Keep(text, "root");
        Assert.DoesNotContain("function unused(", kept);
        Assert.Contains("let ok := check()", kept);
        Assert.Contains("revert(0, 0)", kept);
        Assert.Contains("function check()", kept);   // named by code outside the functions, which is always kept
    }

    [Fact]
    public void KeepsEveryFunctionNamedInCodeHoweverTheCallIsWritten()
    {
        const string text = """
            function root() -> y {
                let s := "a // b" y := viaString(1)
                y := add(y, viaNextLine
                    (2)) /* a block comment ( */ y := add(y, viaBlock(3))
                if y { switch y case 1 { leave } default { y := afterLeave(y) } }
                function nested(z) -> w { w := fromNested(z) }
                y := nested(y)
                y := prefix_long(prefix(y))
            }
            function viaString(x) -> y { y := x }
            function viaNextLine(x) -> y { y := x }
            function viaBlock(x) -> y { y := x }
            function afterLeave(x) -> y { y := deep_2(x) }
            function deep_2(x) -> y { y := x }
            function fromNested(x) -> y { y := x }
            function prefix(x) -> y { y := x }
            function prefix_long(x) -> y { y := x }
            function prefix_unused(x) -> y { y := x }
            function onlyInStrings() { pop("viaString(") }
            function mentioned() { }
            // mentioned() in a comment, "onlyInStrings()" in a string and /* prefix_unused( */ keep nothing
            function defined_after_use.v2$() { }
""";
        var kept = YulPruner.Keep(text, "root");
        foreach (var f in new[] { "root", "viaString", "viaNextLine", "viaBlock", "afterLeave", "deep_2", "fromNested", "prefix", "prefix_long" })
            Assert.Contains($"function {f}(", kept);
        Assert.Contains("function nested(z)", kept);
        foreach (var f in new[] { "prefix_unused", "onlyInStrings", "mentioned", "defined_after_use.v2$" })
            Assert.DoesNotContain($"function {f}(", kept);
    }

    [Fact]
    public void FindsTopLevelFunctionsAtAnyIndentationAndOpeningBraceOnTheNextLine()
    {
        const string text = """
        function root()
        {
            helper()
        }
                function helper() { pop(0) }
            function unused()
            {
            }
""";
        var kept = YulPruner.Keep(text, "root");
        Assert.Contains("function helper()", kept);
        Assert.DoesNotContain("function unused()", kept);
        Assert.DoesNotContain("{\n            }", kept);
    }

    [Fact]
    public void RefusesTextItCannotReadExactly()
    {
        string Refused(string text) => Assert.Throws<InvalidOperationException>(() => YulPruner.Keep(text, "f")).Message;
        Assert.Contains("middle of a line", Refused("            function f() { } let x := g()\n            function g() -> y { }"));
        Assert.Contains("declaration", Refused("            let a := 1 function f() { }"));
        Assert.Contains("string literal", Refused("            function f() { pop(\"x) }"));
        Assert.Contains("/* comment", Refused("            function f() { } /* open"));
        Assert.Contains("closes no", Refused("            function f() { }\n            }"));
        Assert.Contains("declared twice", Refused("            function f() { }\n            function f() { }"));
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
        Assert.DoesNotContain("function opening(", first);   // the opening runs in the second contract only
        Assert.DoesNotContain("function hyperKzg(", first);
        Assert.Contains("function verify(part, partSelector", second);
        Assert.Contains("function opening(", second);
        Assert.Contains("function hyperKzg(", second);
        Assert.DoesNotContain("function batchOpen(", second); // the generated claim code replaces the core's claim-record opening
        Assert.DoesNotContain("function verifyFirstPart(pf", second);
        Assert.DoesNotContain("function logUp(", second);      // the lookups ran in the first
    }
}
