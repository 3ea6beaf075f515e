namespace ClustSeg.Runtime.Nn;

/// <summary>
/// Replaces a layer's default initialisation of one of its own parameters; the generated constructors call it
/// for a spec's <c>weight_init:</c> / <c>bias_init:</c> arguments.
/// </summary>
public static class ParameterInitOverrides
{
    /// <summary>
    /// Sets how <see cref="ModuleState.InitialValues"/> fills <paramref name="module"/>'s own parameter
    /// <paramref name="parameterName"/>, and returns the module.
    /// </summary>
    public static TModule WithInit<TModule>(this TModule module, string parameterName, ParameterInit init) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(init);
        OwnParameter(module, parameterName).Init = init;
        return module;
    }

    /// <summary>
    /// Sets the initialisation of <paramref name="parameterName"/> from a rule of its shape (Kaiming and Xavier
    /// depend on the fans), and returns the module.
    /// </summary>
    public static TModule WithInit<TModule>(this TModule module, string parameterName, Func<IReadOnlyList<int>, ParameterInit> initForShape) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(initForShape);
        var parameter = OwnParameter(module, parameterName);
        parameter.Init = initForShape(parameter.Shape);
        return module;
    }

    private static Parameter OwnParameter(Module module, string parameterName) =>
        module.OwnParameters.FirstOrDefault(p => p.Name == parameterName)
        ?? throw new ArgumentException($"{module.GetType().Name} has no parameter '{parameterName}' to initialise " +
            $"(it has {(module.OwnParameters.Count == 0 ? "none" : string.Join(", ", module.OwnParameters.Select(p => p.Name)))}); " +
            "remove the init argument from the layer spec, or enable the parameter (e.g. bias: true).", nameof(parameterName));
}
