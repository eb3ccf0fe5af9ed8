using System.Runtime.InteropServices;

namespace ZkMl.Evm;

/// <summary>
/// Finds the pinned npm tools (anvil, solc) that <c>scripts/setup.sh</c> installs into the
/// repository's project-local <c>node_modules</c> folder.
/// </summary>
public static class ProjectTools
{
    /// <summary>The file that marks the repository root.</summary>
    public const string RootMarker = "ZkMl.sln";

    /// <summary>
    /// The repository root: <paramref name="repoRoot"/> when given (it must contain
    /// <c>node_modules</c> or <see cref="RootMarker"/>), otherwise the first folder holding
    /// <see cref="RootMarker"/> above the application's base directory or the current directory.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">when no root is found; the message says how to pass one.</exception>
    public static string FindRepositoryRoot(string? repoRoot = null)
    {
        if (repoRoot is not null)
        {
            var full = Path.GetFullPath(repoRoot);
            if (!Directory.Exists(full))
                throw new DirectoryNotFoundException($"repository root \"{full}\" does not exist");
            return full;
        }
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, RootMarker))) return dir.FullName;
        }
        throw new DirectoryNotFoundException(
            $"cannot find the ZkMl repository root ({RootMarker}) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; "
            + "pass the repository folder explicitly");
    }

    /// <summary>The npm package folder of the anvil binary for this operating system and CPU, e.g. <c>anvil-linux-amd64</c>.</summary>
    public static string AnvilPackageName()
    {
        string os = OperatingSystem.IsWindows() ? "win32" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        string cpu = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";
        return $"anvil-{os}-{cpu}";
    }

    /// <summary>
    /// The path of the project-local anvil binary
    /// (<c>node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c> on Linux x64).
    /// </summary>
    /// <param name="repoRoot">The repository root; null searches for it (see <see cref="FindRepositoryRoot"/>).</param>
    /// <exception cref="FileNotFoundException">when the binary is missing; the message says to run scripts/setup.sh.</exception>
    /// <exception cref="DirectoryNotFoundException">when the repository root cannot be found.</exception>
    public static string AnvilBinary(string? repoRoot = null)
    {
        var root = FindRepositoryRoot(repoRoot);
        var path = Path.Combine(root, "node_modules", "@foundry-rs", AnvilPackageName(), "bin", OperatingSystem.IsWindows() ? "anvil.exe" : "anvil");
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"anvil is not installed: {path} is missing. Run `bash scripts/setup.sh` in {root} to install the pinned npm tools "
                + "(@foundry-rs/anvil, solc) into node_modules.", path);
        return path;
    }

    /// <summary>The project-local solcjs package folder (<c>node_modules/solc</c>).</summary>
    /// <param name="repoRoot">The repository root; null searches for it.</param>
    /// <exception cref="FileNotFoundException">when solc is missing; the message says to run scripts/setup.sh.</exception>
    public static string SolcPackage(string? repoRoot = null)
    {
        var root = FindRepositoryRoot(repoRoot);
        var dir = Path.Combine(root, "node_modules", "solc");
        var entry = Path.Combine(dir, "wrapper.js");
        if (!File.Exists(entry))
            throw new FileNotFoundException(
                $"solc (solcjs) is not installed: {dir} is missing. Run `bash scripts/setup.sh` in {root} to install the pinned npm tools.", entry);
        return dir;
    }
}
