// Public API of src/priors: what the training rows alone predict (majority class, mean target).
export { majorityLabel, meanTarget } from "./training-prior.js";
