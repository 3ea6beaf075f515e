using System.Diagnostics;

namespace ClustSeg.Tests.Shaders;

/// <summary>The shader build itself: a GLSL error must fail `dotnet build` with the shader's file and line.</summary>
public class ShaderBuildTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ClustSeg.sln"))) return dir.FullName;
        throw new InvalidOperationException("ClustSeg.sln not found above the test assembly.");
    }

    [Fact]
    public void AGlslSyntaxErrorFailsTheBuildWithFileAndLine()
    {
        var root = RepositoryRoot();
        var dir = Directory.CreateTempSubdirectory("clustseg-glsl-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "kernels"));
            Directory.CreateDirectory(Path.Combine(dir, "include"));
            File.WriteAllText(Path.Combine(dir, "kernels", "broken.comp"),
                "#version 450\nlayout(local_size_x = 1) in;\nvoid main() {\n    float x = undefined_name;\n}\n");
            var targets = Path.Combine(root, "ClustSeg.Shaders", "build", "Glslc.targets");
            File.WriteAllText(Path.Combine(dir, "Probe.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
                  <ItemGroup><GlslShader Include="kernels/**/*.comp" /></ItemGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");
            var start = new ProcessStartInfo("dotnet", "build -nologo")
            {
                WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("broken.comp:4: error", output);
            Assert.Contains("undefined_name", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
