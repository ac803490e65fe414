/// A binary filter the profile can name: it declares its settings the way the numeric
/// filters do (``FilterSyntax``) and is made from what the profile decoder read. One line
/// in ``BinaryFilterCatalog`` makes it available under its profile name.
public protocol ConfigurableBinaryFilter: BinaryFilter {
    static var syntax: FilterSyntax { get }
    init(settings: FilterSettings)
}
