import ArgumentParser
import Foundation
import VSRPresets
import VSRRun

/// `vsr recipes` (also `vsr presets`): the recipes `--recipe` can name, with what each fixes.
struct RecipesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipes",
        abstract: "List the recipes for `vsr upscale --recipe` (the JSON files of Pipelines/).",
        discussion: """
            Recipes are searched in $VSR_RECIPES, $XDG_DATA_HOME/vsr/pipelines, PREFIX/share/vsr/pipelines \
            beside the installed binary, and the Pipelines/ folder of the source checkout a development \
            build runs from. `vsr presets` is the old name of this command.
            """,
        aliases: ["presets"]
    )

    func run() throws {
        let library = RecipeLibrary()
        let recipes = library.all()
        guard !recipes.isEmpty else {
            print("no recipes found in " + library.directories.map(\.path).joined(separator: ", "))
            return
        }
        let width = recipes.map(\.name.count).max()!
        for (name, path) in recipes {
            let line: String
            do {
                let recipe = try PipelinePreset.load(path: path)
                let model = recipe.weights ?? (recipe.models.isEmpty ? "default" : recipe.models.joined(separator: " | "))
                line = "\(recipe.description)  [model \(model), x\(recipe.scale.map(String.init) ?? "model's")]"
            } catch {
                line = "unreadable: \(error)"
            }
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + line + "  (\(path))")
        }
    }
}
