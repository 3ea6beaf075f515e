using ClustSeg.Runtime.Nn;

namespace ClustSeg.Tests.Generator;

/// <summary>Small hand-written module trees for the module, initialisation and checkpoint tests.</summary>
internal sealed class Leaf : Module
{
    public Leaf(int outFeatures, int inFeatures, bool bias = true)
    {
        Weight = RegisterParameter("weight", [outFeatures, inFeatures], ParameterInit.PyTorchDefault(inFeatures));
        if (bias) Bias = RegisterParameter("bias", [outFeatures], ParameterInit.PyTorchDefault(inFeatures), weightDecay: false);
    }

    public Parameter Weight { get; }

    public Parameter? Bias { get; }
}

internal sealed class Norm : Module
{
    public Norm(int channels)
    {
        RegisterParameter("weight", [channels], ParameterInit.Ones, weightDecay: false);
        RegisterParameter("bias", [channels], ParameterInit.Zeros, weightDecay: false);
    }
}

/// <summary>backbone.stem, backbone.stages.{i}.{j}, seeds.bank: the shapes of names in clustseg.md.</summary>
internal sealed class TreeModel : Module
{
    public TreeModel(int width = 4, bool extraLayer = false)
    {
        Backbone = RegisterChild("backbone", new Backbone(width, extraLayer));
        Seeds = RegisterChild("seeds", new Seeds(width));
    }

    public Backbone Backbone { get; }

    public Seeds Seeds { get; }
}

internal sealed class Backbone : Module
{
    public Backbone(int width, bool extraLayer)
    {
        Stem = RegisterChild("stem", new Leaf(width, 3));
        var stages = new ModuleList<ModuleList<Leaf>>();
        for (var i = 0; i < 2; i++)
        {
            var stage = new ModuleList<Leaf>();
            for (var j = 0; j <= i; j++) stage.Add(new Leaf(width, width, bias: false));
            stages.Add(stage);
        }
        Stages = RegisterChild("stages", stages);
        Norm = RegisterChild("norm", new Norm(width));
        if (extraLayer) RegisterChild("extra", new Leaf(width, width));
    }

    public Leaf Stem { get; }

    public ModuleList<ModuleList<Leaf>> Stages { get; }

    public Norm Norm { get; }
}

internal sealed class Seeds : Module
{
    public Seeds(int width) => Bank = RegisterBuffer("bank", [5, width]);

    public ModuleBuffer Bank { get; }
}
