import SensorgateCore

/// Why a GPIO line of a profile or of the command line names no usable line.
public struct LineResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The line's chip could not be opened (``chipError`` says why).
        case chipUnavailable = "chip unavailable"
        /// A header pin that is ground or a supply, not a GPIO.
        case notGPIO = "not a GPIO"
        /// A header pin or GPIO number the board does not have.
        case notOnBoard = "not on the board"
        /// The chip has no such offset or line name.
        case noSuchLine = "no such line"
    }

    public var code: Code
    /// What is wrong, in words that name the line, the board or the chip.
    public var message: String
    /// The backend's error when the chip could not be opened.
    public var chipError: GPIOError?

    public init(_ code: Code, _ message: String, chipError: GPIOError? = nil) {
        self.code = code
        self.message = message
        self.chipError = chipError
    }

    public var description: String { message }
}
