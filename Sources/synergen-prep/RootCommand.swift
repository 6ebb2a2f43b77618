import ArgumentParser

@main
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synergen-prep",
        abstract: "Turn WebDataset image-text shards into token shards for a SynerGen-VL-style model.",
        subcommands: [DemoDataCommand.self, InspectCommand.self, ImageCommand.self, TextCommand.self, VQCommand.self, TokenizeCommand.self, StatsCommand.self, PackCommand.self, MergeCommand.self, ShowCommand.self]
    )
}
