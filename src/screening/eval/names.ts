/**
 * Name material for the evaluation's true non-matches (generate-eval.ts): common Indian and Russian
 * given names and surnames, Russian patronymics, and the words Indian and Russian trading
 * companies are commonly named with. Written for this set; the generator drops every combination
 * whose tokens all appear, spelled nearly alike, in one list name (so none is on a list).
 */

export const INDIAN_GIVEN = [
  'Aarav', 'Aditya', 'Ajay', 'Akash', 'Amit', 'Anand', 'Anil', 'Anjali', 'Ankit', 'Anita',
  'Arjun', 'Arun', 'Ashok', 'Deepak', 'Deepika', 'Dinesh', 'Divya', 'Ganesh', 'Gaurav', 'Geeta',
  'Harish', 'Jyoti', 'Kavita', 'Kiran', 'Krishna', 'Lakshmi', 'Mahesh', 'Manish', 'Meena',
  'Mukesh', 'Neha', 'Nikhil', 'Pooja', 'Pradeep', 'Prakash', 'Priya', 'Rahul', 'Rajesh',
  'Rakesh', 'Ramesh', 'Ravi', 'Rohit', 'Sachin', 'Sandeep', 'Sanjay', 'Santosh', 'Sapna',
  'Shweta', 'Sneha', 'Sunil', 'Sunita', 'Suresh', 'Swati', 'Usha', 'Vijay', 'Vikram', 'Vinod',
  'Vivek', 'Yogesh', 'Venkatesh', 'Srinivas', 'Lalitha', 'Padma', 'Harpreet', 'Gurpreet',
] as const;

export const INDIAN_SURNAMES = [
  'Sharma', 'Verma', 'Gupta', 'Singh', 'Kumar', 'Patel', 'Shah', 'Mehta', 'Joshi', 'Desai',
  'Reddy', 'Rao', 'Naidu', 'Iyer', 'Iyengar', 'Nair', 'Menon', 'Pillai', 'Chatterjee',
  'Banerjee', 'Mukherjee', 'Bose', 'Das', 'Ghosh', 'Sen', 'Agarwal', 'Bansal', 'Goyal',
  'Jain', 'Malhotra', 'Kapoor', 'Khanna', 'Chopra', 'Arora', 'Bhatia', 'Saxena', 'Srivastava',
  'Tiwari', 'Pandey', 'Mishra', 'Dubey', 'Chauhan', 'Yadav', 'Thakur', 'Kulkarni', 'Deshpande',
  'Patil', 'Pawar', 'Jadhav', 'Shinde', 'Gill', 'Sandhu', 'Dhillon', 'Grewal', 'Krishnan',
  'Subramanian', 'Venkataraman', 'Chandra', 'Bhattacharya', 'Dutta',
] as const;

export const RUSSIAN_GIVEN_MALE = [
  'Александр', 'Алексей', 'Андрей', 'Антон', 'Артём', 'Борис', 'Вадим', 'Валерий', 'Василий',
  'Виктор', 'Виталий', 'Владимир', 'Вячеслав', 'Геннадий', 'Георгий', 'Григорий', 'Денис',
  'Дмитрий', 'Евгений', 'Егор', 'Иван', 'Игорь', 'Илья', 'Кирилл', 'Константин', 'Леонид',
  'Максим', 'Михаил', 'Никита', 'Николай', 'Олег', 'Павел', 'Пётр', 'Роман', 'Руслан',
  'Сергей', 'Станислав', 'Степан', 'Тимофей', 'Фёдор', 'Юрий', 'Ярослав',
] as const;

export const RUSSIAN_GIVEN_FEMALE = [
  'Анастасия', 'Анна', 'Валентина', 'Вера', 'Галина', 'Дарья', 'Екатерина', 'Елена',
  'Елизавета', 'Ирина', 'Ксения', 'Любовь', 'Людмила', 'Мария', 'Марина', 'Наталья', 'Нина',
  'Ольга', 'Полина', 'Светлана', 'Софья', 'Татьяна', 'Юлия',
] as const;

/** Male forms; the generator makes the female form (-ов → -ова, -ий → -ая …). */
export const RUSSIAN_SURNAMES = [
  'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров',
  'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов',
  'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев',
  'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев', 'Романов', 'Воробьёв', 'Сергеев', 'Кузьмин',
  'Фролов', 'Александров', 'Дмитриев', 'Королёв', 'Гусев', 'Киселёв', 'Ильин', 'Максимов',
  'Поляков', 'Сорокин', 'Виноградов', 'Ковалёв', 'Белов', 'Медведев', 'Антонов', 'Тарасов',
  'Жуков', 'Баранов', 'Филиппов', 'Комаров', 'Давыдов', 'Беляев', 'Герасимов', 'Богданов',
  'Осипов', 'Сидоров', 'Матвеев', 'Титов', 'Марков', 'Миронов', 'Крылов', 'Куликов',
  'Карпов', 'Власов', 'Мельников', 'Денисов', 'Гаврилов', 'Тихонов', 'Казаков', 'Афанасьев',
  'Данилов', 'Савельев', 'Тимофеев', 'Фомин', 'Чернов', 'Абрамов', 'Мартынов', 'Ефимов',
  'Щербаков', 'Назаров', 'Калинин', 'Исаев', 'Чернышёв', 'Быков', 'Маслов', 'Родионов',
  'Коновалов', 'Лазарев', 'Воронин', 'Климов', 'Филатов', 'Пономарёв', 'Голубев', 'Кудрявцев',
  'Прохоров', 'Наумов', 'Потапов', 'Журавлёв', 'Овчинников', 'Трофимов', 'Леонов', 'Соболев',
  'Ермаков', 'Колесников', 'Гончаров', 'Емельянов', 'Никифоров', 'Грачёв', 'Котов', 'Гришин',
  'Ефремов', 'Архипов', 'Громов', 'Кириллов', 'Малышев', 'Панов', 'Моисеев', 'Румянцев',
] as const;

export const INDIAN_COMPANY_FIRST = [
  'Shree', 'Sri', 'Bharat', 'Hindustan', 'Ganesh', 'Lakshmi', 'Sai', 'Om', 'Surya', 'Navin',
  'Jai', 'Mahalakshmi', 'Balaji', 'Vinayak', 'Kaveri', 'Narmada', 'Deccan', 'Konkan', 'Malabar',
  'Coromandel', 'Sahyadri', 'Vindhya', 'Aravali', 'Kalinga', 'Indus', 'Pragati', 'Unnati',
  'Samrat', 'Rajdhani', 'Everest', 'Ashoka', 'Chola', 'Annapurna', 'Ambika', 'Siddhi',
] as const;

export const INDIAN_COMPANY_SECOND = [
  'Traders', 'Exports', 'Impex', 'Textiles', 'Pharma', 'Engineering', 'Agro', 'Chemicals',
  'Logistics', 'Steels', 'Polymers', 'Spices', 'Fabrics', 'Auto Components', 'Rice Mills',
  'Tea Estates', 'Castings', 'Forgings', 'Organics', 'Cotton Mills', 'Electricals', 'Packaging',
] as const;

export const INDIAN_LEGAL_FORMS = ['Pvt Ltd', 'Private Limited', 'Ltd', 'Limited', 'LLP', ''] as const;

export const RUSSIAN_COMPANY_FIRST = [
  'Ромашка', 'Северный', 'Волжский', 'Уральский', 'Сибирский', 'Вектор', 'Прогресс', 'Гранит',
  'Рассвет', 'Заря', 'Меридиан', 'Горизонт', 'Импульс', 'Кедр', 'Берёзка', 'Радуга', 'Ладога',
  'Онега', 'Кама', 'Ока', 'Алтай', 'Байкал', 'Таврида', 'Полюс', 'Эталон', 'Спектр',
] as const;

export const RUSSIAN_COMPANY_SECOND = [
  'Торг', 'Логистик', 'Агро', 'Трейд', 'Импорт', 'Металл', 'Строй', 'Пром', 'Снаб', 'Сервис',
  'Транс', 'Хим', 'Лес', 'Текстиль', 'Фарм', 'Маш',
] as const;

export const RUSSIAN_LEGAL_FORMS = ['ООО', 'АО', 'ПАО', 'ЗАО', 'ОАО', 'Общество с ограниченной ответственностью'] as const;
