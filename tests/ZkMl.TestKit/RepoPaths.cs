namespace ZkMl.TestKit;

/// <summary>Locates the repository root (the folder holding ZkMl.sln) and the ../shared data folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "ZkMl.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find ZkMl.sln above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The shared data folder beside the repository (../shared), or null when absent.</summary>
    public static string? Shared
    {
        get
        {
            var p = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(p) ? p : null;
        }
    }

    /// <summary>A project-local npm binary path (node_modules), installed by scripts/setup.sh.</summary>
    public static string NodeModules => Path.Combine(Root, "node_modules");
}
