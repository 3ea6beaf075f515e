using ClustSeg.Runtime.Nn;

namespace ClustSeg.Tests.Generator;

public class ModuleTreeTests
{
    [Fact]
    public void TensorsAreNamedByTheirDottedPathInRegistrationOrder()
    {
        var model = new TreeModel();

        Assert.Equal(
            [
                "backbone.stem.weight", "backbone.stem.bias", "backbone.stages.0.0.weight", "backbone.stages.1.0.weight",
                "backbone.stages.1.1.weight", "backbone.norm.weight", "backbone.norm.bias", "seeds.bank",
            ],
            model.StateTensors().Select(t => t.Path));
        Assert.Equal([4, 4], model.Backbone.Stages[1][0].Weight.Shape);
        Assert.Equal("backbone.stages.1", model.Backbone.Stages[1].Path);
        Assert.Equal([true, false, true, true, true, false, false], model.Parameters().Select(p => p.WeightDecay));
    }

    [Fact]
    public void NamesMustBeUniqueAndDotFree()
    {
        var module = new Registrar();

        module.Child("a", new Leaf(1, 1));
        Assert.Contains("already has a child, parameter or buffer named 'a'", Assert.Throws<ArgumentException>(() => module.Child("a", new Leaf(1, 1))).Message);
        Assert.Contains("contains '.'", Assert.Throws<ArgumentException>(() => module.Child("b.c", new Leaf(1, 1))).Message);
    }

    [Fact]
    public void AModuleIsRegisteredOnceAndSharedByCallingItTwice()
    {
        var shared = new Leaf(2, 2);
        var module = new Registrar();
        module.Child("first", shared);

        var error = Assert.Throws<ArgumentException>(() => module.Child("second", shared));

        Assert.Contains("already registered as 'first'", error.Message);
        Assert.Contains("call the same module twice", error.Message);
    }

    [Fact]
    public void InternalHelpersOwnNoTensorsAndStayOutOfTheNamedTree()
    {
        var module = new Registrar();
        var helper = module.Internal(new Registrar());

        Assert.Empty(module.Children);
        Assert.Equal("(Registrar)", helper.Path);
        Assert.Contains("must be registered with RegisterChild", Assert.Throws<ArgumentException>(() => module.Internal(new Leaf(2, 2))).Message);
    }

    [Fact]
    public void InitialValuesFollowPyTorchDefaultsAndAreSeededPerTensor()
    {
        var values = ModuleState.InitialValues(new TreeModel(width: 64), seed: 7).ToDictionary(p => p.Key, p => p.Value);
        var again = ModuleState.InitialValues(new TreeModel(width: 64), seed: 7).ToDictionary(p => p.Key, p => p.Value);
        var other = ModuleState.InitialValues(new TreeModel(width: 64), seed: 8).ToDictionary(p => p.Key, p => p.Value);
        var extended = ModuleState.InitialValues(new TreeModel(width: 64, extraLayer: true), seed: 7).ToDictionary(p => p.Key, p => p.Value);

        // uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = 64 for the stage weights: bound 0.125, variance bound^2/3.
        var weights = values["backbone.stages.1.1.weight"];
        Assert.All(weights, w => Assert.InRange(w, -0.125f, 0.125f));
        Assert.InRange(weights.Average(w => (double)w), -0.01, 0.01);
        Assert.InRange(weights.Average(w => (double)w * w), 0.125 * 0.125 / 3 * 0.9, 0.125 * 0.125 / 3 * 1.1);
        Assert.All(values["backbone.stem.bias"], b => Assert.InRange(b, -1 / MathF.Sqrt(3), 1 / MathF.Sqrt(3)));
        Assert.All(values["backbone.norm.weight"], w => Assert.Equal(1f, w));
        Assert.All(values["backbone.norm.bias"], b => Assert.Equal(0f, b));
        Assert.All(values["seeds.bank"], b => Assert.Equal(0f, b));

        Assert.Equal(values["backbone.stem.weight"], again["backbone.stem.weight"]);
        Assert.NotEqual(values["backbone.stem.weight"], other["backbone.stem.weight"]);
        Assert.NotEqual(values["backbone.stages.0.0.weight"], values["backbone.stages.1.0.weight"]);
        // A new layer draws from its own stream: the others keep their values.
        Assert.Equal(values["backbone.stages.1.1.weight"], extended["backbone.stages.1.1.weight"]);
    }

    [Fact]
    public void NormalInitHasTheRequestedMeanAndDeviation()
    {
        var values = new float[20000];
        ParameterInit.Normal(0, 1).Fill(values, new Random(3));

        Assert.InRange(values.Average(v => (double)v), -0.03, 0.03);
        Assert.InRange(Math.Sqrt(values.Average(v => (double)v * v)), 0.97, 1.03);
    }

    /// <summary>Exposes the protected registration methods to the tests.</summary>
    private sealed class Registrar : Module
    {
        public T Child<T>(string name, T child) where T : Module => RegisterChild(name, child);

        public T Internal<T>(T child) where T : Module => RegisterInternal(child);
    }
}
