namespace ClustSeg.Tests;

public class SolutionSmokeTests
{
    [Fact]
    public void ShaderLibraryEmbedsCompiledKernels()
    {
        Assert.Contains("adamw", ClustSeg.Shaders.ShaderLibrary.Names);
        var spirv = ClustSeg.Shaders.ShaderLibrary.Load("adamw");
        Assert.Equal(0x07230203u, BitConverter.ToUInt32(spirv, 0)); // SPIR-V magic number
    }
}
