using ZkMl.Compiler.Onnx;
using ZkMl.TestKit;

namespace ZkMl.Compiler.Tests;

/// <summary>docs/supported-ops.md is exactly what the importer's op table generates (set ZKML_UPDATE_DOCS=1 to rewrite it).</summary>
public class SupportedOpsDocTests
{
    [Fact]
    public void SupportedOpsDocMatchesTheImporterTable()
    {
        string path = Path.Combine(RepoPaths.Root, "docs", "supported-ops.md");
        string generated = OnnxImporter.SupportedOpsMarkdown();
        if (Environment.GetEnvironmentVariable("ZKML_UPDATE_DOCS") == "1") File.WriteAllText(path, generated);
        Assert.True(File.Exists(path), $"{path} is missing; run with ZKML_UPDATE_DOCS=1");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == generated,
            "docs/supported-ops.md differs from OnnxImporter.Ops; regenerate with ZKML_UPDATE_DOCS=1 dotnet test tests/ZkMl.Compiler.Tests --filter SupportedOpsDoc");
        // every op in the table is accepted by name in messages
        foreach (var op in OnnxImporter.Ops) Assert.Contains(op.Op, OnnxImporter.SupportedOps);
    }
}
