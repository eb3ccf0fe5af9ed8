using System.Reflection;
using System.Text.RegularExpressions;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;

namespace ZkMl.Evm.Tests.Verifier;

/// <summary>
/// Every transcript label of the Solidity verifier is the C# prover's own constant: the templates name labels
/// by placeholder (<c>{{label:…}}</c>) and the generator writes <see cref="Protocol"/>'s constants.
/// </summary>
public partial class TranscriptLabelTests
{
    private static string RawTemplate(string name)
    {
        using var s = typeof(VerifierTemplates).Assembly.GetManifestResourceStream("ZkMl.Evm.Verifier.Templates." + name)!;
        return new StreamReader(s).ReadToEnd();
    }

    // The code part of each line (before a // comment) of a Yul/Solidity text, without hex"…" byte strings.
    private static IEnumerable<string> Code(string text) => text.Split('\n').Select(l => HexString().Replace(l.Split("//")[0], ""));

    [Theory]
    [InlineData("VerifierCore.yul")]
    [InlineData("Verifier.sol.template")]
    [InlineData("SpatialCore.yul")]
    [InlineData("ZkCore.yul")]
    public void Templates_spell_no_label_themselves(string name)
    {
        var literals = Code(RawTemplate(name)).SelectMany(l => StringLiteral().Matches(l).Select(m => m.Value)).ToList();
        Assert.Empty(literals);
    }

    [Fact]
    public void Every_placeholder_of_the_core_is_substituted_by_its_label()
    {
        Assert.Contains("{{label:Sumcheck.Round}}", RawTemplate("VerifierCore.yul"));
        var core = VerifierTemplates.Core;
        Assert.DoesNotContain("{{label:", core);
        Assert.Contains("mstore(0x20, \"sumcheck_round\")", core);
        Assert.Contains("trChallenge(\"batch/gamma\")", core);
    }

    [Fact]
    public void Every_placeholder_of_the_spatial_core_is_substituted_by_its_label()
    {
        // A label removed from the table (as the gas round removed Sumcheck.Challenge) must not leave a conv template behind.
        Assert.Contains("{{label:Sumcheck.Round}}", RawTemplate("SpatialCore.yul"));
        var core = VerifierTemplates.SpatialCore;
        Assert.DoesNotContain("{{label:", core);
        Assert.Contains("\"sumcheck_round\"", core);
    }

    [Fact]
    public void Every_placeholder_of_the_zk_core_is_substituted_by_its_label()
    {
        Assert.Contains("{{label:Sumcheck.Challenge}}", RawTemplate("ZkCore.yul"));
        var core = VerifierTemplates.ZkCore;
        Assert.DoesNotContain("{{label:", core);
        Assert.Contains("mstore(0x20, \"sumcheck_r\")", core); // maskedRound draws r_i inline (trChallenge's steps)
    }

    [Fact]
    public void Generated_contract_uses_the_protocol_domain_and_labels()
    {
        var source = SolidityVerifierGenerator.Generate(ExampleCircuits.Tiny.Vk);
        var code = string.Join("\n", Code(source));
        var used = StringLiteral().Matches(code).Select(m => m.Value.Trim('"')).ToHashSet();
        Assert.Contains(Protocol.Domain, used);
        var known = VerifierTemplates.TranscriptLabels.Values.ToHashSet();
        // Every string literal of the verifier's code is a known transcript label (or the domain).
        Assert.All(used, l => Assert.Contains(l, known));
        // Every inference label is used.
        foreach (var f in typeof(Protocol.Labels).GetFields(BindingFlags.Public | BindingFlags.Static))
            Assert.Contains((string)f.GetRawConstantValue()!, used);
    }

    [Fact]
    public void An_unknown_placeholder_is_refused_with_its_name()
    {
        var e = Assert.Throws<InvalidOperationException>(() => VerifierTemplates.WithLabels("x := trChallenge({{label:Nope.Nothing}})", "test.yul"));
        Assert.Contains("Nope.Nothing", e.Message);
        Assert.Contains("test.yul", e.Message);
        Assert.Throws<KeyNotFoundException>(() => VerifierTemplates.Label("Nope"));
    }

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("hex\"[0-9a-fA-F]*\"")]
    private static partial Regex HexString();
}
