// Values seeded records draw from that fit any provider: people's names from many places, job titles, company names.

// A provider whose sample data has a flavour of its own (accented names, Contoso, Zylker) keeps its own lists.
export const FIRST_NAMES = ['Ada', 'Alan', 'Amara', 'Arjun', 'Beatriz', 'Carlos', 'Chen', 'Daniel', 'Elena', 'Emeka', 'Fatima', 'Grace', 'Hana', 'Hugo', 'Ines', 'Jamal', 'Julia', 'Kenji', 'Laila', 'Mateo', 'Mei', 'Nadia', 'Omar', 'Priya', 'Rafael', 'Sofia', 'Tariq', 'Uma', 'Wei', 'Zoe'];
export const LAST_NAMES = ['Abara', 'Bianchi', 'Brown', 'Castillo', 'Dubois', 'Fischer', 'Garcia', 'Gupta', 'Haddad', 'Jensen', 'Kim', 'Kowalski', 'Li', 'Martin', 'Nakamura', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka', 'Wang', 'Yilmaz', 'Zhang'];
export const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Wonka', 'Aperture', 'Monarch', 'Nakatomi'];
export const JOB_TITLES = ['CEO', 'CFO', 'CTO', 'VP Sales', 'Head of Operations', 'Account Manager', 'Software Engineer', 'Marketing Manager', 'Buyer'];
